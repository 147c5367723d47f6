// Command layout reads an account's IAM layout back the way a Go service
// would, with aws-sdk-go v1, and prints it as one JSON document on stdout.
//
// aws-sdk-go v1 ignores AWS_ENDPOINT_URL, so the endpoint comes from -endpoint
// (default: $IAMD_ENDPOINT). Credentials come from AWS_ACCESS_KEY_ID and
// AWS_SECRET_ACCESS_KEY only; no profile or instance role is consulted.
//
// Used by compat/test_go.py; built offline with GO111MODULE=off against
// Debian's golang-github-aws-aws-sdk-go-dev.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"sort"
	"time"

	"github.com/aws/aws-sdk-go/aws"
	"github.com/aws/aws-sdk-go/aws/credentials"
	"github.com/aws/aws-sdk-go/aws/session"
	"github.com/aws/aws-sdk-go/service/iam"
	"github.com/aws/aws-sdk-go/service/sts"
)

// Caller is what sts:GetCallerIdentity says about the credentials.
type Caller struct {
	Account string `json:"account"`
	Arn     string `json:"arn"`
	UserID  string `json:"user_id"`
}

// Policy is one attached managed policy.
type Policy struct {
	Name string `json:"name"`
	Arn  string `json:"arn"`
}

// Principal is a user, group or role with its attached managed policies.
type Principal struct {
	Name             string      `json:"name"`
	Path             string      `json:"path"`
	Arn              string      `json:"arn"`
	ID               string      `json:"id"`
	AssumeRolePolicy interface{} `json:"assume_role_policy,omitempty"`
	AttachedPolicies []Policy    `json:"attached_policies"`
}

// Layout is the whole document printed on stdout.
type Layout struct {
	Caller Caller      `json:"caller"`
	Users  []Principal `json:"users"`
	Groups []Principal `json:"groups"`
	Roles  []Principal `json:"roles"`
}

func main() {
	endpoint := flag.String("endpoint", os.Getenv("IAMD_ENDPOINT"), "the IAM/STS endpoint URL")
	region := flag.String("region", "us-east-1", "the signing region")
	pageSize := flag.Int64("page-size", 0, "MaxItems of every List call (0: the service default)")
	flag.Parse()
	if *endpoint == "" {
		fail(fmt.Errorf("no endpoint: pass -endpoint or set IAMD_ENDPOINT"))
	}

	sess, err := session.NewSessionWithOptions(session.Options{
		SharedConfigState: session.SharedConfigDisable,
		Config: aws.Config{
			Endpoint:    endpoint,
			Region:      region,
			Credentials: credentials.NewEnvCredentials(),
			MaxRetries:  aws.Int(0),
			HTTPClient:  &http.Client{Timeout: 10 * time.Second},
		},
	})
	if err != nil {
		fail(err)
	}
	layout, err := read(iam.New(sess), sts.New(sess), *pageSize)
	if err != nil {
		fail(err)
	}
	out := json.NewEncoder(os.Stdout)
	out.SetIndent("", "  ")
	if err := out.Encode(layout); err != nil {
		fail(err)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "layout:", err)
	os.Exit(1)
}

func read(client *iam.IAM, stsClient *sts.STS, pageSize int64) (*Layout, error) {
	var maxItems *int64
	if pageSize > 0 {
		maxItems = aws.Int64(pageSize)
	}
	layout := &Layout{Users: []Principal{}, Groups: []Principal{}, Roles: []Principal{}}

	identity, err := stsClient.GetCallerIdentity(&sts.GetCallerIdentityInput{})
	if err != nil {
		return nil, fmt.Errorf("GetCallerIdentity: %w", err)
	}
	layout.Caller = Caller{
		Account: aws.StringValue(identity.Account),
		Arn:     aws.StringValue(identity.Arn),
		UserID:  aws.StringValue(identity.UserId),
	}

	err = client.ListUsersPages(&iam.ListUsersInput{MaxItems: maxItems},
		func(page *iam.ListUsersOutput, last bool) bool {
			for _, u := range page.Users {
				layout.Users = append(layout.Users, Principal{
					Name: aws.StringValue(u.UserName),
					Path: aws.StringValue(u.Path),
					Arn:  aws.StringValue(u.Arn),
					ID:   aws.StringValue(u.UserId),
				})
			}
			return true
		})
	if err != nil {
		return nil, fmt.Errorf("ListUsers: %w", err)
	}
	for i := range layout.Users {
		user := &layout.Users[i]
		user.AttachedPolicies = []Policy{}
		err := client.ListAttachedUserPoliciesPages(
			&iam.ListAttachedUserPoliciesInput{UserName: aws.String(user.Name), MaxItems: maxItems},
			func(page *iam.ListAttachedUserPoliciesOutput, last bool) bool {
				user.AttachedPolicies = appendPolicies(user.AttachedPolicies, page.AttachedPolicies)
				return true
			})
		if err != nil {
			return nil, fmt.Errorf("ListAttachedUserPolicies %s: %w", user.Name, err)
		}
	}

	err = client.ListGroupsPages(&iam.ListGroupsInput{MaxItems: maxItems},
		func(page *iam.ListGroupsOutput, last bool) bool {
			for _, g := range page.Groups {
				layout.Groups = append(layout.Groups, Principal{
					Name: aws.StringValue(g.GroupName),
					Path: aws.StringValue(g.Path),
					Arn:  aws.StringValue(g.Arn),
					ID:   aws.StringValue(g.GroupId),
				})
			}
			return true
		})
	if err != nil {
		return nil, fmt.Errorf("ListGroups: %w", err)
	}
	for i := range layout.Groups {
		group := &layout.Groups[i]
		group.AttachedPolicies = []Policy{}
		err := client.ListAttachedGroupPoliciesPages(
			&iam.ListAttachedGroupPoliciesInput{GroupName: aws.String(group.Name), MaxItems: maxItems},
			func(page *iam.ListAttachedGroupPoliciesOutput, last bool) bool {
				group.AttachedPolicies = appendPolicies(group.AttachedPolicies, page.AttachedPolicies)
				return true
			})
		if err != nil {
			return nil, fmt.Errorf("ListAttachedGroupPolicies %s: %w", group.Name, err)
		}
	}

	var decodeErr error
	err = client.ListRolesPages(&iam.ListRolesInput{MaxItems: maxItems},
		func(page *iam.ListRolesOutput, last bool) bool {
			for _, r := range page.Roles {
				// The document arrives URL-encoded, as from AWS; the SDK leaves it so.
				trust, err := decodeDocument(aws.StringValue(r.AssumeRolePolicyDocument))
				if err != nil {
					decodeErr = fmt.Errorf("role %s: %w", aws.StringValue(r.RoleName), err)
					return false
				}
				layout.Roles = append(layout.Roles, Principal{
					Name:             aws.StringValue(r.RoleName),
					Path:             aws.StringValue(r.Path),
					Arn:              aws.StringValue(r.Arn),
					ID:               aws.StringValue(r.RoleId),
					AssumeRolePolicy: trust,
				})
			}
			return true
		})
	if err == nil {
		err = decodeErr
	}
	if err != nil {
		return nil, fmt.Errorf("ListRoles: %w", err)
	}
	for i := range layout.Roles {
		role := &layout.Roles[i]
		role.AttachedPolicies = []Policy{}
		err := client.ListAttachedRolePoliciesPages(
			&iam.ListAttachedRolePoliciesInput{RoleName: aws.String(role.Name), MaxItems: maxItems},
			func(page *iam.ListAttachedRolePoliciesOutput, last bool) bool {
				role.AttachedPolicies = appendPolicies(role.AttachedPolicies, page.AttachedPolicies)
				return true
			})
		if err != nil {
			return nil, fmt.Errorf("ListAttachedRolePolicies %s: %w", role.Name, err)
		}
	}
	return layout, nil
}

func appendPolicies(to []Policy, attached []*iam.AttachedPolicy) []Policy {
	for _, p := range attached {
		to = append(to, Policy{Name: aws.StringValue(p.PolicyName), Arn: aws.StringValue(p.PolicyArn)})
	}
	sort.Slice(to, func(i, j int) bool { return to[i].Arn < to[j].Arn })
	return to
}

func decodeDocument(encoded string) (interface{}, error) {
	text, err := url.QueryUnescape(encoded)
	if err != nil {
		return nil, fmt.Errorf("policy document is not URL-encoded: %w", err)
	}
	var document interface{}
	if err := json.Unmarshal([]byte(text), &document); err != nil {
		return nil, fmt.Errorf("policy document is not JSON: %w", err)
	}
	return document, nil
}
