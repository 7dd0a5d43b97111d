package validate

import (
	"fmt"
	"strings"
	"testing"

	"github.com/portico-gw/portico/internal/apidef"
	"github.com/portico-gw/portico/internal/pipeline"
)

// orderModels is a typical nested model set: an order with a customer, an
// address model referenced by name, and line items.
func orderModels() map[string]string {
	return map[string]string{
		"Address": `{"type":"object","required":["street","city","country"],"additionalProperties":false,
			"properties":{"street":{"type":"string","minLength":1,"maxLength":200},"city":{"type":"string"},
			"zip":{"type":"string","pattern":"^[0-9]{5}$"},"country":{"type":"string","enum":["US","CA","MX","FR","DE"]}}}`,
		"Order": `{"$schema":"http://json-schema.org/draft-04/schema#","type":"object",
			"required":["id","customer","items","total"],
			"properties":{
				"id":{"type":"string","pattern":"^ord-[0-9a-f]{8}$"},
				"customer":{"type":"object","required":["name","email"],"properties":{
					"name":{"type":"string","minLength":1},"email":{"type":"string","format":"email"},
					"phone":{"type":["string","null"]},"address":{"$ref":"#/definitions/Address"}}},
				"items":{"type":"array","minItems":1,"maxItems":50,"items":{"type":"object",
					"required":["sku","qty","price"],"properties":{
						"sku":{"type":"string","pattern":"^[A-Z]{3}-[0-9]{4}$"},
						"qty":{"type":"integer","minimum":1,"maximum":1000},
						"price":{"type":"number","minimum":0,"exclusiveMinimum":true},
						"gift":{"type":"boolean"}}}},
				"total":{"type":"number","minimum":0},
				"status":{"enum":["new","paid","shipped"]},
				"notes":{"type":"string","maxLength":500}}}`,
	}
}

// orderBody is about 1 KB.
const orderBody = `{"id":"ord-0badcafe","status":"paid","total":1234.5,
"customer":{"name":"Ada Lovelace","email":"ada@example.com","phone":null,
 "address":{"street":"12 Analytical Engine Road","city":"London","zip":"12345","country":"FR"}},
"items":[
 {"sku":"ABC-0001","qty":2,"price":10.25,"gift":false},
 {"sku":"ABC-0002","qty":1,"price":99.99},
 {"sku":"DEF-0003","qty":10,"price":1.5,"gift":true},
 {"sku":"GHI-0004","qty":3,"price":250},
 {"sku":"JKL-0005","qty":1,"price":0.99},
 {"sku":"MNO-0006","qty":7,"price":12},
 {"sku":"PQR-0007","qty":1,"price":400,"gift":true},
 {"sku":"STU-0008","qty":4,"price":3.75},
 {"sku":"VWX-0009","qty":2,"price":19.9,"gift":false},
 {"sku":"YZA-0010","qty":5,"price":6.5},
 {"sku":"BCD-0011","qty":1,"price":1000,"gift":true},
 {"sku":"EFG-0012","qty":8,"price":2.25}],
"notes":"Leave the parcel with the neighbour at number 14 if nobody answers the door; the dog is friendly but loud. Please ring twice and wait a little."}`

func BenchmarkValidate(b *testing.B) {
	api := testAPI(orderModels())
	s := mustStep(b, api, &apidef.Method{RequestModels: map[string]string{"application/json": "Order"}})
	for _, bc := range []struct {
		name, body string
		valid      bool
	}{
		{"valid", orderBody, true},
		{"invalid", strings.Replace(orderBody, `"qty":8`, `"qty":0`, 1), false},
	} {
		b.Run(bc.name, func(b *testing.B) {
			body := []byte(bc.body)
			c := request{contentType: "application/json"}.call()
			b.SetBytes(int64(len(body)))
			b.ReportAllocs()
			for b.Loop() {
				c.Body = pipeline.NewBodyBytes(body)
				if err := s.Run(b.Context(), c); (err == nil) != bc.valid {
					b.Fatalf("got %v", err)
				}
			}
		})
	}
}

// BenchmarkPhases splits the valid case into parsing and checking.
func BenchmarkPhases(b *testing.B) {
	api := testAPI(orderModels())
	s := mustStep(b, api, &apidef.Method{RequestModels: map[string]string{"application/json": "Order"}})
	n := s.models["application/json"]
	body := []byte(orderBody)
	b.Run("parse", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		b.ReportAllocs()
		for b.Loop() {
			if _, err := parseJSON(body); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("check", func(b *testing.B) {
		v, err := parseJSON(body)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		for b.Loop() {
			if msgs := validateValue(n, v, stepBudget(len(body))); msgs != nil {
				b.Fatal(msgs)
			}
		}
	})
}

// BenchmarkPipelineOrder validates the body of the gateway's pipeline
// benchmark (internal/gatewaytest, BenchmarkPipeline) against its model:
// stream is the streaming check alone, check the parse-and-check path it
// spares a valid body.
func BenchmarkPipelineOrder(b *testing.B) {
	api := testAPI(map[string]string{"Order": `{"type":"object","required":["id","customer","items"],"properties":{"id":{"type":"string"},
"customer":{"type":"object","required":["name","email"],"properties":{"name":{"type":"string","minLength":1},"email":{"type":"string"},
"address":{"type":"object","properties":{"street":{"type":"string"},"city":{"type":"string"},"zip":{"type":"string","pattern":"^[0-9]{5}$"}}}}},
"items":{"type":"array","items":{"type":"object","required":["sku","quantity"],"properties":{"sku":{"type":"string"},"quantity":{"type":"integer","minimum":1},"price":{"type":"number"}}}}}}`})
	n := mustStep(b, api, &apidef.Method{RequestModels: map[string]string{"application/json": "Order"}}).models["application/json"]
	items := make([]string, 0, 12)
	for i := 1; i <= 12; i++ {
		items = append(items, fmt.Sprintf(`{"sku":"SKU-%04d","quantity":%d,"price":%d.99}`, i, i, i*3))
	}
	body := []byte(`{"id":"order-000123","customer":{"name":"Alice Example","email":"alice@example.com",` +
		`"address":{"street":"1 Main Street","city":"Springfield","zip":"12345"}},"items":[` +
		strings.Join(items, ",") + `],"note":"` + strings.Repeat("x", 200) + `"}`)
	b.Run("stream", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if !streamValid(n, body) {
				b.Fatal("no")
			}
		}
	})
	b.Run("check", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if checkBody(n, body) != nil {
				b.Fatal("no")
			}
		}
	})
}
