-- wrk script: POST a ~1 KB order (valid for openapi-validate.yaml).
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local items = {}
for i = 1, 12 do
  items[#items + 1] = string.format('{"sku":"SKU-%04d","quantity":%d,"price":%d.99}', i, i, i * 3)
end
wrk.body = '{"id":"order-000123","customer":{"name":"Alice Example","email":"alice@example.com",' ..
  '"address":{"street":"1 Main Street","city":"Springfield","zip":"12345"}},"items":[' ..
  table.concat(items, ",") .. '],"note":"' .. string.rep("x", 200) .. '"}'
