#!/usr/bin/env bash
# Regenerates the API contract after an intended change: the OpenAPI snapshot openapi/v1.json (from the
# served document) and the Kiota client in src/Client/Generated (from that snapshot). Review the diff.
#   bash scripts/update-contract.sh                 # both
#   bash scripts/update-contract.sh --client-into DIR  # only generate the client into DIR (the stale-client test uses this)
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 KIOTA_TUTORIAL_ENABLED=false

generate_client() {
  dotnet tool restore >/dev/null
  # Settings of the generated client; kiota-lock.json in the output records them too.
  dotnet kiota generate --language CSharp --openapi openapi/v1.json --output "$1" \
    --namespace-name CrmChatbot.Client.Generated --class-name CrmApiClient \
    --exclude-backward-compatible --clean-output --log-level Error
}

if [ "${1:-}" = "--client-into" ]; then
  generate_client "$2"
  exit 0
fi

UPDATE_OPENAPI_SNAPSHOT=1 dotnet test tests/Api.Tests --filter "FullyQualifiedName~OpenApi.ContractSnapshotTests" --nologo -v q
generate_client src/Client/Generated
echo "Updated openapi/v1.json and src/Client/Generated; review with: git diff --stat openapi src/Client"
