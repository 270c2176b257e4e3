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

# The browser test drives Debian's Chromium (Playwright is given its path and downloads nothing).
if ! command -v chromium >/dev/null && [ -z "${CHROMIUM_PATH:-}" ]; then
  if [ "$(id -u)" -eq 0 ]; then
    apt-get update
    DEBIAN_FRONTEND=noninteractive apt-get install -y chromium
  else
    sudo apt-get update
    sudo DEBIAN_FRONTEND=noninteractive apt-get install -y chromium
  fi
fi
