// Package mgmt is the management API: the REST operations of Amazon API
// Gateway's `apigateway` 2015-07-09 service (rest APIs, resources, methods,
// method and integration responses, integrations, deployments, stages,
// import, put and export; API keys, usage plans, their keys and usage;
// custom domain names and base path mappings)
// served on the admin listener, so that the AWS
// CLI, boto3 and the AWS SDKs drive Portico with --endpoint-url.
//
// State is one document per REST API (its resources, deployments and
// stages) plus one for API keys, usage plans and domain names, kept in a Store: bbolt,
// memory, or a SharedStore (Redis) that replicas poll for each other's
// changes. Deployments are
// snapshots: a deployment copies the API's resources when it is created,
// and the data plane serves each stage from its deployment's copy. Specs
// returns the deployed stages as deploy.APISpecs; the gateway appends them
// to the settings file's APIs on every build, and Service calls OnDeploy
// after every change that alters what is served. See docs/management-api.md.
package mgmt
