#!/usr/bin/env bash
# Starts LocalStack and deploys the same CDK app to it that `cdk deploy` puts in AWS, then writes
# localstack/cdk-outputs.json, where the end-to-end suite (mvn -pl localstack verify) finds the API.
# Needs Docker, Node.js, JDK 17+, Maven and LOCALSTACK_AUTH_TOKEN.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"

: "${LOCALSTACK_AUTH_TOKEN:?set LOCALSTACK_AUTH_TOKEN to your LocalStack auth token}"
docker info >/dev/null 2>&1 || { echo "deploy.sh: Docker is not running" >&2; exit 1; }

echo "== building the functions package, the CDK app and the contract suite"
(cd "$root" && mvn -q -B -DskipTests install)

echo "== starting LocalStack"
docker compose -f "$here/docker-compose.yml" up -d --wait

echo "== deploying the stack to LocalStack"
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
npx cdklocal deploy "${context[@]}" --require-approval never --outputs-file "$here/cdk-outputs.json"

echo "== deployed; outputs in $here/cdk-outputs.json"
echo "   run the end-to-end suite:  mvn -pl localstack verify"
echo "   stop LocalStack:           docker compose -f localstack/docker-compose.yml down"
