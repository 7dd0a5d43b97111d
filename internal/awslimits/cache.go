package awslimits

// REST API response caching ("Cache settings for REST APIs in API Gateway",
// https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-caching.html;
// API reference: CreateStage.cacheClusterSize and MethodSetting).
const (
	// CacheMaxResponseBytes is the largest response API Gateway caches:
	// "The maximum size of a response that can be cached is 1048576 bytes."
	CacheMaxResponseBytes = 1_048_576
	// CacheDefaultTTLSeconds is the TTL of a method without
	// cacheTtlInSeconds: "The default TTL value for API caching is 300
	// seconds."
	CacheDefaultTTLSeconds = 300
	// CacheMaxTTLSeconds is the largest cacheTtlInSeconds: "The maximum TTL
	// value is 3600 seconds. TTL=0 means caching is disabled."
	CacheMaxTTLSeconds = 3600
)

// CacheClusterSizes are the cache capacities in GB a stage may choose
// (the CacheClusterSize enum of the apigateway 2015-07-09 model: "0.5",
// "1.6", "6.1", "13.5", "28.4", "58.2", "118", "237").
var CacheClusterSizes = []float64{0.5, 1.6, 6.1, 13.5, 28.4, 58.2, 118, 237}
