# syntax=docker/dockerfile:1
# pvmd: a static binary on a minimal, non-root runtime image.
#   docker build -t pvmd .
#   docker run --rm -p 50051:50051 -p 9464:9464 pvmd

FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
# CGO_ENABLED=0: a static binary that needs no libc in the runtime image
# (deploy/deploy_test.go builds it the same way and checks it is static).
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/pvmd ./cmd/pvmd

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/pvmd /usr/local/bin/pvmd
USER 65532:65532
# gRPC API (pvmd.v1, grpc.health.v1, reflection) and Prometheus /metrics.
EXPOSE 50051 9464
ENV PVMD_LISTEN=tcp://0.0.0.0:50051 \
    PVMD_METRICS_ADDR=0.0.0.0:9464 \
    PVMD_LOG_FORMAT=json
HEALTHCHECK --interval=10s --timeout=3s --start-period=5s --retries=3 \
    CMD ["/usr/local/bin/pvmd", "health", "--addr", "tcp://127.0.0.1:50051"]
ENTRYPOINT ["/usr/local/bin/pvmd"]
CMD ["serve"]
