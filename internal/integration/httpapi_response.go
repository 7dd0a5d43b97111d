package integration

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"

	"github.com/portico-gw/portico/internal/awslimits"
	"github.com/portico-gw/portico/internal/fault"
	"github.com/portico-gw/portico/internal/pipeline"
)

// ResponseMapping is a compiled set of HTTP API response parameters
// (Integration.ResponseMappings): by the integration's status code, the
// changes to the answer's headers and status. It is immutable and safe for
// concurrent use.
type ResponseMapping struct {
	byStatus map[int]*statusMapping
}

// statusMapping is the mappings of one status code.
type statusMapping struct {
	ops      []mapOp
	readBody bool
}

// CompileResponseMappings compiles an HTTP API integration's response
// parameters. Every problem is reported, each as a *MappingError joined
// into the returned error; nil m gives a nil mapping.
func CompileResponseMappings(m map[string]map[string]string) (*ResponseMapping, error) {
	if len(m) == 0 {
		return nil, nil
	}
	r := &ResponseMapping{byStatus: map[int]*statusMapping{}}
	var errs []error
	for _, status := range sortedKeys(m) {
		code, err := strconv.Atoi(status)
		if err != nil || code < 100 || code > 599 || len(status) != 3 {
			errs = append(errs, &MappingError{Status: status, Msg: "the key of response parameters is a status code (100 to 599)"})
			continue
		}
		sm := &statusMapping{}
		for _, k := range sortedKeys(m[status]) {
			op, err := compileResponseKey(k)
			if err == nil {
				op.value, err = compileValue(m[status][k], true)
			}
			if err == nil && op.target == targetStatus && len(op.value) == 1 && op.value[0].src == srcStatic {
				if _, ok := validStatus(op.value[0].text); !ok {
					err = fmt.Errorf("%q is not a status code (200 to 599)", op.value[0].text)
				}
			}
			if err != nil {
				errs = append(errs, &MappingError{Status: status, Key: k, Msg: err.Error()})
				continue
			}
			if op.value.reads(srcRespBody) || op.value.reads(srcReqBody) {
				sm.readBody = true
			}
			sm.ops = append(sm.ops, op)
		}
		sortOps(sm.ops)
		r.byStatus[code] = sm
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return r, nil
}

// compileResponseKey reads a response mapping key.
func compileResponseKey(k string) (mapOp, error) {
	if k == "overwrite:statuscode" {
		return mapOp{action: actOverwrite, target: targetStatus}, nil
	}
	op, err := compileRequestKey(k)
	if err != nil {
		return mapOp{}, err
	}
	if op.target != targetHeader {
		return mapOp{}, errors.New(`a response key is "{append|overwrite|remove}:header.{name}" or "overwrite:statuscode"`)
	}
	return op, nil
}

// WithResponseMappings wraps an HTTP API integration (HTTP_PROXY, Lambda,
// AWS service) so that its answers get the integration's response
// parameters. With no mappings it returns in itself. Mapping problems are
// *MappingError values joined into the error.
func WithResponseMappings(in pipeline.Integration, m map[string]map[string]string) (pipeline.Integration, error) {
	rm, err := CompileResponseMappings(m)
	if err != nil || rm == nil {
		if err != nil {
			return nil, err
		}
		return in, nil
	}
	return &responseMapped{in: in, m: rm}, nil
}

// responseMapped is an integration with response parameters.
type responseMapped struct {
	in pipeline.Integration
	m  *ResponseMapping
}

// Name is the wrapped integration's name.
func (r *responseMapped) Name() string {
	if n, ok := r.in.(pipeline.Named); ok {
		return n.Name()
	}
	return "unnamed"
}

// Invoke calls the wrapped integration and maps its answer.
func (r *responseMapped) Invoke(ctx context.Context, c *pipeline.Call) (*pipeline.Result, error) {
	res, err := r.in.Invoke(ctx, c)
	if err != nil || res == nil {
		return res, err
	}
	return res, r.m.Apply(c, res)
}

// Apply changes res as the response parameters of its status say. Values
// are resolved against the answer as the integration gave it, before any
// change. A body read for $response.body is kept in res.Body (a stream is
// buffered, up to the payload limit).
func (m *ResponseMapping) Apply(c *pipeline.Call, res *pipeline.Result) error {
	if m == nil {
		return nil
	}
	sm := m.byStatus[res.Status]
	if sm == nil {
		return nil
	}
	env := &mapEnv{call: c, resp: res}
	if sm.readBody {
		if err := bufferResult(res); err != nil {
			return err
		}
		env.respBody = decodeMappingBody(res.Body)
		if b, err := c.Body.Bytes(); err == nil {
			env.rawReqBody, env.reqBody = b, decodeMappingBody(b)
		}
	}
	if res.Header == nil {
		res.Header = http.Header{}
	}
	type edit struct {
		op  *mapOp
		val string
	}
	edits := make([]edit, 0, len(sm.ops))
	for i := range sm.ops {
		op := &sm.ops[i]
		val, ok := "", true
		if op.action != actRemove {
			if val, ok = op.value.resolve(env); !ok {
				continue
			}
		}
		edits = append(edits, edit{op, val})
	}
	for _, e := range edits {
		switch {
		case e.op.target == targetStatus:
			if n, ok := validStatus(e.val); ok {
				res.Status = n
			}
		case e.op.action == actRemove:
			res.Header.Del(e.op.name)
		case e.op.action == actOverwrite:
			res.Header.Set(e.op.name, headerSafe(e.val))
		default:
			res.Header.Add(e.op.name, headerSafe(e.val))
		}
	}
	return nil
}

// bufferResult reads a streamed answer into res.Body, up to the payload
// limit; a longer answer is a bad gateway (502).
func bufferResult(res *pipeline.Result) error {
	if res.Stream == nil {
		return nil
	}
	defer res.Stream.Close()
	b, err := io.ReadAll(io.LimitReader(res.Stream, awslimits.PayloadBytes+1))
	res.Stream = nil
	if err != nil {
		return fault.BadGateway(fmt.Errorf("reading the integration's answer for response parameters: %w", err))
	}
	if len(b) > awslimits.PayloadBytes {
		return fault.BadGateway(fmt.Errorf("the integration's answer is over %d bytes", awslimits.PayloadBytes))
	}
	res.Body, res.ContentLength = b, int64(len(b))
	return nil
}
