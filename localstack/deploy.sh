#!/usr/bin/env bash
# Deploys the same CDK app to LocalStack that `cdk deploy` puts in AWS, and writes the stack's outputs,
# where the end-to-end suite finds the API.
#
#   deploy.sh                builds everything, starts LocalStack (docker-compose.yml), deploys, and writes
#                            localstack/cdk-outputs.json; then run the suite with mvn -pl localstack verify
#   deploy.sh --deploy-only  deploys the built app to the LocalStack already at $AWS_ENDPOINT_URL (default
#                            http://localhost:4566) and writes the outputs to $MQ_OUTPUTS_FILE (default
#                            localstack/cdk-outputs.json); `mvn verify -Plocalstack` runs it this way
#
# Needs Docker, Node.js, JDK 17+, Maven and LOCALSTACK_AUTH_TOKEN.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
outputs="${MQ_OUTPUTS_FILE:-$here/cdk-outputs.json}"

if [[ "${1:-}" != "--deploy-only" ]]; then
  : "${LOCALSTACK_AUTH_TOKEN:?set LOCALSTACK_AUTH_TOKEN to your LocalStack auth token}"
  docker info >/dev/null 2>&1 || { echo "deploy.sh: Docker is not running" >&2; exit 1; }

  echo "== building the functions package, the CDK app and the contract suite"
  (cd "$root" && mvn -q -B -DskipTests install)

  echo "== starting LocalStack"
  docker compose -f "$here/docker-compose.yml" up -d --wait
fi

echo "== deploying the stack to LocalStack"
export AWS_ENDPOINT_URL="${AWS_ENDPOINT_URL:-http://localhost:4566}"
# asset uploads address the bucket in the path: no DNS name needed for the endpoint's host
export AWS_S3_FORCE_PATH_STYLE=1
export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test
export AWS_REGION="${AWS_REGION:-us-east-1}" AWS_DEFAULT_REGION="${AWS_REGION:-us-east-1}"
export CDK_DEFAULT_ACCOUNT=000000000000 CDK_DEFAULT_REGION="$AWS_REGION"
export JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION=1
# a throwaway stack: tables go with it; no account-level API Gateway logging role on LocalStack
context=(-c mq:removalPolicy=destroy -c mq:deletionProtection=false -c mq:accessLogs=false
         -c mq:receiveConcurrency=0)
cd "$root/infra-cdk"
npm ci --no-audit --no-fund --loglevel=error
npx cdklocal bootstrap "${context[@]}"
npx cdklocal deploy "${context[@]}" --require-approval never --outputs-file "$outputs"

echo "== deployed to $AWS_ENDPOINT_URL; outputs in $outputs"
if [[ "${1:-}" != "--deploy-only" ]]; then
  echo "   run the end-to-end suite:  mvn -pl localstack verify"
  echo "   stop LocalStack:           docker compose -f localstack/docker-compose.yml down"
fi
