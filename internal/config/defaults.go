package config

import (
	"time"

	"github.com/portico-gw/portico/internal/awslimits"
)

// Default returns settings with every default filled in and no APIs.
func Default() File {
	return File{
		Listen:    "127.0.0.1:8080",
		Admin:     Admin{Listen: "127.0.0.1:9090"},
		Region:    "us-east-1",
		AccountID: "123456789012",
		Server: Server{
			ReadHeaderTimeout: Duration(10 * time.Second),
			ReadTimeout:       Duration(60 * time.Second),
			IdleTimeout:       Duration(120 * time.Second),
			ShutdownTimeout:   Duration(30 * time.Second),
			MaxHeaderBytes:    awslimits.HeaderBytes,
			MaxBodyBytes:      awslimits.PayloadBytes,
			RejectionLog:      RejectionLog{Burst: 10, Interval: Duration(10 * time.Second)},
		},
		Authorization:   Authorization{ExplicitDenyMessage: "User is not authorized to access this resource with an explicit deny"},
		Account:         Account{Throttle: Throttle{RateLimit: awslimits.AccountRateLimit, BurstLimit: awslimits.AccountBurstLimit}},
		FunctionRuntime: FunctionRuntime{MemoryLimit: "auto", CodeCheckInterval: Interval{Every: Duration(time.Second)}},
		Store: Store{Type: "embedded", Path: "./portico-data", KeyPrefix: "portico", OnError: "open",
			FlushInterval: Duration(time.Second), Timeout: Duration(250 * time.Millisecond)},
	}
}
