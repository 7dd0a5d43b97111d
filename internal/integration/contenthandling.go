package integration

import (
	"encoding/base64"
	"strings"
	"unicode/utf8"

	"github.com/portico-gw/portico/internal/apidef"
)

// Content handling values (docs/aws-behaviour.md#passthrough-behaviour-and-content-handling).
const (
	convertToText   = apidef.ConvertToText
	convertToBinary = apidef.ConvertToBinary
)

// binaryMedia carries an API's binary media types for non-proxy payload
// conversions.
type binaryMedia struct{ types []string }

// request converts the request payload for the integration, per the
// integration's contentHandling and whether the request's Content-Type is a
// binary media type (docs/aws-behaviour.md#binary-media-types): CONVERT_TO_TEXT base64-encodes
// a binary payload; CONVERT_TO_BINARY base64-decodes a text one (failure is
// a configuration error); unset passes the payload through, with invalid
// UTF-8 in a text payload replaced by U+FFFD.
func (b binaryMedia) request(payload []byte, contentType string, handling apidef.ContentHandling) ([]byte, error) {
	binary := isBinary(contentType, b.types)
	switch {
	case binary && handling == convertToText:
		return []byte(base64.StdEncoding.EncodeToString(payload)), nil
	case !binary && handling == convertToBinary:
		return decodeBase64(payload)
	case !binary && !utf8.Valid(payload):
		return []byte(strings.ToValidUTF8(string(payload), "\uFFFD")), nil
	}
	return payload, nil
}

// response converts an integration response payload for the client, per
// the integration response's contentHandling, whether the payload's
// Content-Type is binary, and whether the client's first Accept type is:
// CONVERT_TO_TEXT always yields text (binary is base64-encoded);
// CONVERT_TO_BINARY always base64-decodes; unset converts only when the
// payload and the Accept disagree.
func (b binaryMedia) response(payload []byte, payloadType, accept string, handling apidef.ContentHandling) ([]byte, error) {
	if len(b.types) == 0 && handling == "" {
		return payload, nil
	}
	binary := isBinary(payloadType, b.types)
	first, _, _ := strings.Cut(accept, ",")
	wantBinary := isBinary(first, b.types)
	switch {
	case handling == convertToText:
		if binary {
			return []byte(base64.StdEncoding.EncodeToString(payload)), nil
		}
		return payload, nil
	case handling == convertToBinary:
		return decodeBase64(payload)
	case binary && !wantBinary:
		return []byte(base64.StdEncoding.EncodeToString(payload)), nil
	case !binary && wantBinary:
		return decodeBase64(payload)
	}
	return payload, nil
}

func decodeBase64(p []byte) ([]byte, error) {
	out, err := base64.StdEncoding.DecodeString(strings.TrimSpace(string(p)))
	if err != nil {
		return nil, configError("Unable to base64 decode the body: %v", err)
	}
	return out, nil
}
