# Azure OpenAI Assistants emulator: a multi-stage image.
#
# NODE_IMAGE can be any Node.js 20, 22 or >= 24 image that ships npm: by default the current LTS, Node 24 (an
# official node:20-* or node:22-* image works too), or a locally built base (scripts/test-container.sh builds
# localhost/aoai-node-base:24). No distribution package manager is used, so the same file builds on Debian,
# Alpine or a minimal base.
ARG NODE_IMAGE=node:24-bookworm-slim

# Build stage: all dependencies, compile src/ to dist/.
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: nothing the build needs has an install script, and a root "prepare" script would run before src/ exists.
RUN npm ci --ignore-scripts --no-audit --no-fund --cache /tmp/.npm \
 && rm -rf /tmp/.npm
COPY . .
RUN npm run build

# Runtime stage: production dependencies, the compiled output and the fixtures, nothing else.
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    AOAI_EMULATOR_HOST=0.0.0.0 \
    AOAI_EMULATOR_PORT=8080
WORKDIR /app
COPY package.json package-lock.json ./
# Source maps and type declarations of dependencies are never read at run time (a third of node_modules), and of
# gpt-tokenizer only the CommonJS build of the o200k_base encoding is (src/runs/reply.ts requires it when a count is
# first needed); its ES module, UMD and source copies and other encodings are most of the rest. npm run
# test:container completes a run and reads its usage, which loads it.
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund --cache /tmp/.npm \
 && rm -rf /tmp/.npm \
 && find node_modules -type f \( -name '*.map' -o -name '*.d.ts' -o -name '*.d.mts' -o -name '*.d.cts' \) -delete \
 && cd node_modules/gpt-tokenizer \
 && rm -rf esm dist src data \
 && find cjs -name '*.test.js' -delete \
 && find cjs/bpeRanks cjs/encoding -type f ! -name 'o200k_base.js' -delete
COPY --from=build /app/dist ./dist
COPY fixtures ./fixtures
COPY LICENSE ./
# With AOAI_EMULATOR_TLS=true the generated certificate is kept here (the server's user owns the folder); mount a
# volume on it to keep the same certificate across containers, so NODE_EXTRA_CA_CERTS set once keeps working.
ENV AOAI_EMULATOR_TLS_DIR=/var/cache/aoai-emulator/tls
RUN mkdir -p /var/cache/aoai-emulator/tls && chown 1000:1000 /var/cache/aoai-emulator/tls
# Numeric, so it works on bases that have no named user; the files stay root-owned and read-only to the server.
USER 1000:1000
EXPOSE 8080
# Slim images have no curl: probe with node itself, on whatever port the server was told to use, over HTTPS when
# AOAI_EMULATOR_TLS or AOAI_EMULATOR_TLS_CERT is set (the loopback probe does not verify the certificate).
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=3 \
  CMD ["node", "-e", "const e=process.env,s=/^(1|true|yes|on)$/i.test(e.AOAI_EMULATOR_TLS||'')||!!e.AOAI_EMULATOR_TLS_CERT;require(s?'https':'http').get({host:'127.0.0.1',port:e.AOAI_EMULATOR_PORT||8080,path:'/_emulator/health',rejectUnauthorized:false},r=>process.exit(r.statusCode===200?0:1)).on('error',()=>process.exit(1))"]
# Exec form: node is PID 1 and handles SIGTERM itself (closes the server, exits 0).
CMD ["node", "dist/server.js"]
