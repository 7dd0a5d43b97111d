// Package template serves AWS SAM and CloudFormation templates: it turns
// the APIs, functions, API keys and usage plans of a template into the
// settings Portico already serves (docs/templates.md). It imports only
// internal/cfn (which parses the template and resolves parameters,
// conditions and intrinsic functions), internal/config and
// internal/source.
//
// Load (or Parse) returns a Result:
//
//   - Functions: one config.Function per AWS::Serverless::Function or
//     AWS::Lambda::Function with local code (CodeUri, InlineCode, Code as
//     a path, or the CDK's aws:asset:path), named by FunctionName or the
//     logical id, with Globals.Function merged as SAM merges it and
//     sam local's --env-vars applied to declared variables.
//   - APIs: one config.API per API, with Body set to a generated OpenAPI
//     document that internal/openapi imports like any definition file
//     (Swagger 2.0 for REST APIs and OpenAPI 3.0.1 for HTTP APIs, as
//     SAM's translator writes them: aws_proxy integrations in the
//     invocation-URI form, security schemes with
//     x-amazon-apigateway-authorizer, SAM's CORS OPTIONS methods, request
//     validators, models, gateway responses). A DefinitionBody or Body is
//     used as written (events are merged into it only with
//     MergeDefinitions, as in SAM). Each API is mounted at the listener's
//     root (config.API.TemplateRoot) and its Locate maps problems of the
//     generated document back to the template's lines.
//   - APIKeys and UsagePlans: SAM's Auth.UsagePlan (PER_API, SHARED) and
//     AWS::ApiGateway::ApiKey, UsagePlan and UsagePlanKey; a key without a
//     value gets GeneratedKeyValue.
//   - Domains: custom domains and their base path mappings (SAM's
//     Domain, AWS::ApiGateway::DomainName and BasePathMapping,
//     AWS::ApiGatewayV2::DomainName and ApiMapping), without certificates:
//     ARNs cannot be loaded locally, so a note says the listener's serve.
//   - Files: the template and every file it names, to watch for changes.
//   - Notes: located warnings, among them the one line that lists the
//     resources that are neither APIs nor functions.
//
// Everything that cannot be known or run locally (Fn::ImportValue, code
// or definitions only in S3, an API of another stack, layer ARNs,
// container images) is an error located at the template's line and JSON
// Pointer; every problem is returned at once.
//
// The translation is checked against aws-sam-translator, the Python
// package SAM uses, by TestSAMTranslatorOracle.
package template
