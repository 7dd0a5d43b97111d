package openapi

import (
	"strconv"

	"github.com/portico-gw/portico/internal/awslimits"
	"github.com/portico-gw/portico/internal/source"
)

const (
	endpointConfigKey    = "x-amazon-apigateway-endpoint-configuration"
	minCompressionKey    = "x-amazon-apigateway-minimum-compression-size"
	disableExecuteAPIKey = "disableExecuteApiEndpoint"
)

// endpointConfiguration reads disableExecuteApiEndpoint from
// x-amazon-apigateway-endpoint-configuration: at the root (Swagger 2) or
// on a server object (OpenAPI 3)
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-swagger-extensions-endpoint-configuration.html).
// vpcEndpointIds (private REST APIs) is read and ignored with a warning.
func (im *importer) endpointConfiguration() bool {
	disabled := false
	read := func(m map[string]any, ptr string) {
		ec := im.obj(m, ptr, endpointConfigKey)
		if ec == nil {
			return
		}
		p := ptr + "/" + source.Escape(endpointConfigKey)
		for _, k := range sortedKeys(ec) {
			switch k {
			case disableExecuteAPIKey:
				disabled = im.boolean(ec, p, k) || disabled
			case "vpcEndpointIds":
				im.warnf(p+"/vpcEndpointIds", "vpcEndpointIds is ignored: Portico has no private endpoints")
			default:
				im.errorf(p+"/"+source.Escape(k), "unknown %s field %q", endpointConfigKey, k)
			}
		}
	}
	read(im.root, "")
	if servers, ok := im.root["servers"].([]any); ok {
		for i, s := range servers {
			if m, ok := s.(map[string]any); ok {
				read(m, "/servers/"+strconv.Itoa(i))
			}
		}
	}
	return disabled
}

// minimumCompressionSize reads x-amazon-apigateway-minimum-compression-size:
// an integer from 0 to 10485760; absent is nil (no compression)
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-openapi-minimum-compression-size.html).
func (im *importer) minimumCompressionSize() *int {
	n, ok := im.integer(im.root, "", minCompressionKey)
	if !ok {
		return nil
	}
	if n < 0 || n > awslimits.PayloadBytes {
		im.errorf("/"+minCompressionKey, "Invalid minimum compression size, must be between 0 and %d", awslimits.PayloadBytes)
		return nil
	}
	return &n
}
