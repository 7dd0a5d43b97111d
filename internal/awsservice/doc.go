// Package awsservice implements AWS service integrations: type aws with an
// integration URI arn:aws:apigateway:{region}:{subdomain.service|service}:action/{Action}
// or :path/{path} for any service but Lambda (DynamoDB, SQS, SNS, Kinesis,
// S3, Step Functions, EventBridge, ...). The request is built as API Gateway
// builds it (https://docs.aws.amazon.com/apigateway/latest/api/API_Integration.html,
// field uri), sent to the endpoint the settings name for the service (an
// emulator such as moto_server, LocalStack, DynamoDB Local or MinIO, or AWS
// itself) and signed with Signature Version 4. The answer goes through
// integration responses like an HTTP integration's: it reuses
// integration.HTTP for mapping, sending and response selection.
//
// It also implements HTTP APIs' AWS service integrations (NewSubtype): an
// integrationSubtype such as SQS-SendMessage with its parameters given as
// HTTP API mapping values; see httpapi.go.
package awsservice
