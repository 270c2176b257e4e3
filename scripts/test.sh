#!/usr/bin/env bash
# Runs every test on a fresh machine: installs what the tests need (scripts/setup.sh: NuGet restore, the
# MongoDB test server, Chromium, docker-compose, the contract tools), then the whole suite.
# Extra arguments go to `dotnet test` (e.g. --filter "FullyQualifiedName~Leads").
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

bash scripts/setup.sh
dotnet test CrmChatbot.sln "$@"
