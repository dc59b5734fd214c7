# syntax=docker/dockerfile:1
# promptwall container image.
#
# Build:  docker build -t promptwall .
# Run:    docker run -p 8080:8080 -e OPENAI_API_KEY -v "$PWD/config:/etc/promptwall:ro" promptwall
#
# The builder runs exactly the release build CI/bench run on the host
# (`cargo build --release --locked`, profile.release in Cargo.toml), so a green host release
# build is the check for this stage. No Docker engine runs in CI here; the image itself is
# not built there.

ARG RUST_VERSION=1
FROM rust:${RUST_VERSION}-slim-bookworm AS builder
WORKDIR /src
# The whole tree minus .dockerignore: every target the manifest declares must exist for cargo.
COPY . .
# BuildKit cache mounts keep the registry and target dir between builds; the build command is
# the same one the host runs.
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/src/target \
    cargo build --release --locked --bin promptwall \
 && install -D -m 0755 target/release/promptwall /out/promptwall

FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 promptwall \
 && useradd --system --uid 10001 --gid promptwall --home-dir /nonexistent --shell /usr/sbin/nologin promptwall \
 && mkdir -p /etc/promptwall
COPY --from=builder /out/promptwall /usr/local/bin/promptwall
# Config (promptwall.toml) and key files are mounted here. Inside a container a loopback listener
# is unreachable, so the listen address defaults to 0.0.0.0:8080 whatever the file says
# (`serve --listen` / PROMPTWALL_LISTEN override `listen`); unset it to use the file's value.
VOLUME ["/etc/promptwall"]
ENV PROMPTWALL_LISTEN=0.0.0.0:8080
USER 10001:10001
EXPOSE 8080
ENTRYPOINT ["promptwall"]
CMD ["serve", "--config", "/etc/promptwall/promptwall.toml"]
