# The hello-nostd image: the static hello-nostd binary and nothing else.
# Build it with `cargo make image` (or, after `cargo make build`, `docker build -t hello-nostd .`).

# Start from the empty image: no shell, no libc, no dynamic loader, no /etc.
FROM scratch

# Image metadata (OCI annotation keys), shown by `docker inspect` / `podman inspect`. No
# `org.opencontainers.image.source`: the project names no published repository.
LABEL org.opencontainers.image.title="hello-nostd" \
      org.opencontainers.image.description="Static no-libc Linux program that prints Hello, world! with two syscalls" \
      org.opencontainers.image.licenses="MIT"

# The only file of the image: the static release binary built by `cargo make build`, or the one
# of another architecture for `cargo make image-multiarch`, which passes its path here.
ARG HELLO_BIN=target/x86_64-unknown-linux-musl/release/hello-nostd
COPY ${HELLO_BIN} /hello

# Run as nobody:nogroup by number (there is no /etc/passwd to look names up in).
USER 65534:65534

# Exec form: the kernel runs /hello directly (the shell form would need /bin/sh).
ENTRYPOINT ["/hello"]
