package openapi

import (
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/portico-gw/portico/internal/source"
)

// Options are the import settings.
type Options struct {
	// Region resolves ${AWS::Region}; default us-east-1.
	Region string
	// AccountID resolves ${AWS::AccountId}; default 123456789012.
	AccountID string
	// As says whether the definition is a REST API (the zero value), an
	// HTTP API, or which of the two its root says (AsAuto).
	As ImportAs
}

func (o Options) withDefaults() Options {
	if o.Region == "" {
		o.Region = "us-east-1"
	}
	if o.AccountID == "" {
		o.AccountID = "123456789012"
	}
	return o
}

// Partition is the AWS partition of a region: aws-cn for cn-*, aws-us-gov
// for us-gov-*, the isolated partitions for their prefixes, aws otherwise.
func Partition(region string) string {
	switch {
	case strings.HasPrefix(region, "cn-"):
		return "aws-cn"
	case strings.HasPrefix(region, "us-gov-"):
		return "aws-us-gov"
	case strings.HasPrefix(region, "us-isob-"):
		return "aws-iso-b"
	case strings.HasPrefix(region, "us-isof-"):
		return "aws-iso-f"
	case strings.HasPrefix(region, "us-iso-"):
		return "aws-iso"
	case strings.HasPrefix(region, "eu-isoe-"):
		return "aws-iso-e"
	}
	return "aws"
}

var awsVarRe = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`\$\{AWS::([A-Za-z0-9_]*)\}`) })

// resolveAWSVariables replaces the AWS variables API Gateway resolves when
// it imports a definition (${AWS::AccountId}, ${AWS::Partition},
// ${AWS::Region}; https://docs.aws.amazon.com/apigateway/latest/developerguide/import-api-aws-variables.html)
// in every string value of the document. Any other ${AWS::X} is left as
// written, with a located warning.
func (im *importer) resolveAWSVariables(o Options) {
	vals := map[string]string{"AccountId": o.AccountID, "Partition": Partition(o.Region), "Region": o.Region}
	var walk func(v any, ptr string) any
	walk = func(v any, ptr string) any {
		switch t := v.(type) {
		case string:
			if !strings.Contains(t, "${AWS::") {
				return t
			}
			return awsVarRe().ReplaceAllStringFunc(t, func(ref string) string {
				name := awsVarRe().FindStringSubmatch(ref)[1]
				if val, ok := vals[name]; ok {
					return val
				}
				im.warnf(ptr, "%s is not an AWS variable API Gateway resolves at import (AWS::AccountId, AWS::Partition, AWS::Region); left as written", ref)
				return ref
			})
		case map[string]any:
			keys := make([]string, 0, len(t))
			for k := range t {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				t[k] = walk(t[k], ptr+"/"+source.Escape(k))
			}
		case []any:
			for i, e := range t {
				t[i] = walk(e, ptr+"/"+strconv.Itoa(i))
			}
		}
		return v
	}
	walk(im.root, "")
}
