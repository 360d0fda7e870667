# Builds the server and the web client, then ships them on a slim Debian with nothing else.
FROM rust:1.95-bookworm AS build
WORKDIR /src
RUN rustup target add wasm32-unknown-unknown
COPY . .
RUN scripts/build-frontend.sh && cargo build --release --locked -p api --bin prison-visits

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates curl && rm -rf /var/lib/apt/lists/* \
    && useradd --system --home /app visits
WORKDIR /app
COPY --from=build /src/target/release/prison-visits /app/prison-visits
COPY --from=build /src/frontend/dist /app/frontend/dist
USER visits
ENV STATIC_DIR=/app/frontend/dist HOST=0.0.0.0 PORT=8080
EXPOSE 8080
# With DEMO_DATA=false the service does not migrate at start: run `/app/prison-visits migrate` first (see
# docker-compose.yml), or set MIGRATE_ON_START=true.
CMD ["/app/prison-visits", "serve"]
