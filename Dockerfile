# Multi-stage build of the CrmChatbot service (silo + API in one process).
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig ./
COPY src/ src/
RUN dotnet publish src/Silo/CrmChatbot.Silo.csproj -c Release -o /app --nologo

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
WORKDIR /app
COPY --from=build /app ./
# The image's non-root user; the data folder (embedded store) must be writable by it.
RUN mkdir -p /data && chown "$APP_UID" /data
USER $APP_UID
ENV ASPNETCORE_ENVIRONMENT=Production \
    HOST=0.0.0.0 \
    PORT=8000 \
    DATA_DIR=/data
EXPOSE 8000 11111 30000
ENTRYPOINT ["dotnet", "CrmChatbot.Silo.dll"]
