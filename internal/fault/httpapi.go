package fault

import "net/http"

// HTTP APIs (API Gateway v2) have no gateway responses: every rejection is
// one of a handful of fixed answers, {"message":"..."} with the status's
// own words, no x-amzn-ErrorType, and an apigw-requestid header
// (docs/aws-behaviour.md#http-api-answers). HTTPAPIAnswer maps a fault
// raised by the shared pipeline onto that answer.

// HTTPAPIAnswer returns the status and message an HTTP API sends for f.
func HTTPAPIAnswer(f *Error) (status int, message string) {
	switch f.Type {
	case ResourceNotFound:
		return http.StatusNotFound, "Not Found"
	case Unauthorized:
		return http.StatusUnauthorized, "Unauthorized"
	case AccessDenied, InvalidAPIKey, WAFFiltered, MissingAuthenticationToken, InvalidSignature, ExpiredToken:
		// IAM authorization refuses a missing, invalid or expired signature
		// with 403 {"message":"Forbidden"} on HTTP APIs (observed; REST APIs
		// name each case).
		return http.StatusForbidden, "Forbidden"
	case Throttled, QuotaExceeded:
		return http.StatusTooManyRequests, "Too Many Requests"
	case IntegrationTimeout:
		return http.StatusServiceUnavailable, "Service Unavailable"
	case RequestTooLarge:
		return http.StatusRequestEntityTooLarge, "Request Entity Too Large"
	case BadRequestBody, BadRequestParameters, UnsupportedMediaType:
		return http.StatusBadRequest, "Bad Request"
	}
	switch s := f.StatusCode(); s {
	case http.StatusUnauthorized:
		return s, "Unauthorized"
	case http.StatusForbidden:
		return s, "Forbidden"
	case http.StatusNotFound:
		return s, "Not Found"
	case http.StatusRequestTimeout:
		return s, "Request Timeout"
	case http.StatusRequestEntityTooLarge:
		return s, "Request Entity Too Large"
	case http.StatusTooManyRequests:
		return s, "Too Many Requests"
	case http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return http.StatusServiceUnavailable, "Service Unavailable"
	default:
		if s >= 400 && s < 500 {
			return http.StatusBadRequest, "Bad Request"
		}
	}
	return http.StatusInternalServerError, "Internal Server Error"
}

// HTTPAPIBody is the JSON body of an HTTP API answer: {"message":"..."}.
func HTTPAPIBody(message string) []byte {
	return []byte(`{"message":"` + message + `"}`)
}
