#!/usr/bin/env bash
# Installs everything the service and its tests need on a fresh machine (idempotent):
# NuGet packages, the MongoDB-compatible test server (npm) and Chromium for the browser test (apt).
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

dotnet restore CrmChatbot.sln

# jongodb: an npm package with a native binary, used by the MongoDB tests unless MONGO_URL is set.
if [ -z "${MONGO_URL:-}" ] && [ ! -x .tools/jongodb/node_modules/@jongodb/memory-server-bin-linux-x64-gnu/bin/jongodb ]; then
  npm install --prefix .tools/jongodb --no-audit --no-fund --silent @jongodb/memory-server-bin-linux-x64-gnu@0.1.6
fi

# Debian packages: Chromium for the browser test (Playwright is given its path and downloads
# nothing), docker-compose to validate docker-compose.yml (no Docker engine is needed for that).
packages=()
if ! command -v chromium >/dev/null && [ -z "${CHROMIUM_PATH:-}" ]; then packages+=(chromium); fi
if ! command -v docker-compose >/dev/null; then packages+=(docker-compose); fi
if [ ${#packages[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${packages[@]}"
fi

# The contract tools: Kiota (dotnet tool manifest .config/dotnet-tools.json) and the OpenAPI linter (npm, pinned).
dotnet tool restore
if [ ! -x .tools/redocly/node_modules/.bin/redocly ] || ! grep -q '"version": "2.77.0"' .tools/redocly/node_modules/@redocly/cli/package.json 2>/dev/null; then
  npm install --prefix .tools/redocly --no-audit --no-fund --silent @redocly/cli@2.77.0
fi
