package httpserver

import (
	"encoding/json"
	"errors"
	"io"
	"sync"
	"time"

	"github.com/portico-gw/portico/internal/fault"
	"github.com/portico-gw/portico/internal/pipeline"
)

// accessLog writes one JSON line per request with AWS $context names.
type accessLog struct {
	mu sync.Mutex
	w  io.Writer
}

// accessLine is one access-log record.
type accessLine struct {
	RequestID          string `json:"requestId"`
	ExtendedRequestID  string `json:"extendedRequestId"`
	IP                 string `json:"ip"`
	RequestTime        string `json:"requestTime"`
	HTTPMethod         string `json:"httpMethod"`
	ResourcePath       string `json:"resourcePath"`
	Path               string `json:"path"`
	Status             int    `json:"status"`
	Protocol           string `json:"protocol"`
	ResponseLength     int64  `json:"responseLength"`
	ResponseLatency    int64  `json:"responseLatency"`
	IntegrationLatency int64  `json:"integrationLatency"`
	IntegrationStatus  int    `json:"integrationStatus,omitempty"`
	APIID              string `json:"apiId,omitempty"`
	Stage              string `json:"stage,omitempty"`
	ErrorResponseType  string `json:"error.responseType,omitempty"`
	ErrorMessage       string `json:"error.message,omitempty"`
}

// logAccess writes the default JSON access line (stages without
// accessLogSettings).
func (e *Edge) logAccess(c *pipeline.Call, status int, n int64, f *fault.Error) {
	if e.alog == nil {
		return
	}
	line := accessLine{
		RequestID: c.RequestID, ExtendedRequestID: c.ExtendedRequestID, IP: c.SourceIP,
		RequestTime: c.Start.UTC().Format("02/Jan/2006:15:04:05 -0700"), HTTPMethod: c.HTTPMethod,
		ResourcePath: c.ResourcePath, Path: c.StagePath, Status: status, Protocol: c.Protocol, ResponseLength: n,
		ResponseLatency:    time.Since(c.Start).Milliseconds(),
		IntegrationLatency: c.IntegrationLatency.Milliseconds(), IntegrationStatus: c.IntegrationStatus,
		APIID: c.APIID, Stage: c.Stage,
	}
	if f != nil {
		line.ErrorResponseType, line.ErrorMessage = string(f.Type), f.MessageText()
	}
	b, mErr := json.Marshal(line)
	if mErr != nil {
		return
	}
	b = append(b, '\n')
	e.alog.mu.Lock()
	_, _ = e.alog.w.Write(b)
	e.alog.mu.Unlock()
}

// reason is the plain-words cause of a rejection.
func reason(f *fault.Error) string {
	if f.Cause != nil {
		var inner *fault.Error
		if errors.As(f.Cause, &inner) && inner != f {
			return reason(inner)
		}
		return f.Cause.Error()
	}
	return f.MessageText()
}
