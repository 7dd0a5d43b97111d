// Package policy parses and evaluates the IAM policy documents API Gateway
// uses for execute-api:Invoke: the policies Lambda authorizers return and
// APIs' resource policies (x-amazon-apigateway-policy). Evaluation follows
// IAM's rule: an explicit Deny wins, then an Allow, else an implicit deny.
// Action and Resource may be strings or lists, with * and ? wildcards;
// Principal and the IpAddress / NotIpAddress conditions are supported for
// resource policies. It is pure and imports no other internal package.
package policy
