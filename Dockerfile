# Portico: a static binary on a small non-root image.
# Build: docker build -t portico .
# Run:   docker run -p 8080:8080 -p 9090:9090 -v "$PWD/deploy/docker:/etc/portico:ro" \
#          -e PORTICO_ADMIN_KEY_ID=... -e PORTICO_ADMIN_SECRET=... portico
# See docs/deploying.md.

FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
RUN CGO_ENABLED=0 GOOS=linux go build -trimpath -ldflags "-s -w" -o /out/portico ./cmd/portico

FROM alpine:3.22
# busybox wget serves the HEALTHCHECK; nothing else is added.
RUN addgroup -S -g 10001 portico && adduser -S -D -H -u 10001 -G portico portico \
    && mkdir -p /etc/portico /var/lib/portico && chown portico:portico /var/lib/portico
COPY --from=build /out/portico /usr/local/bin/portico
USER 10001:10001
WORKDIR /var/lib/portico
# 8080 data plane (8443 with listen.tls), 9090 admin (/healthz, /readyz, /metrics).
EXPOSE 8080 8443 9090
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=3 \
    CMD wget -q -O /dev/null http://127.0.0.1:9090/healthz || exit 1
ENTRYPOINT ["/usr/local/bin/portico"]
CMD ["serve", "--config", "/etc/portico/portico.yaml"]
