# Relaydesk in a container: a build stage compiles TypeScript and the browser pages, the final stage holds only
# what runs (production dependencies, dist/, the card templates, the KB articles, the sample contacts and quick
# replies) and runs as the unprivileged `node` user. Build: docker build -t relaydesk .  See docs/deploy.md.

# One base for both stages: Node 20 on Debian slim, with the npm whose `allowScripts` package.json relies on.
FROM node:20-slim AS base
RUN npm install --global npm@11
WORKDIR /app

FROM base AS build
# better-sqlite3 compiles from source when its prebuilt binary cannot be downloaded.
RUN apt-get update \
 && apt-get install --yes --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY scripts ./scripts
RUN npm run build

FROM base AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3978 \
    LOG_FORMAT=json
COPY package.json package-lock.json ./
# Production dependencies only; the compiler is installed and removed in this one layer, so the image keeps none.
RUN apt-get update \
 && apt-get install --yes --no-install-recommends python3 make g++ \
 && npm ci --omit=dev \
 && npm cache clean --force \
 && apt-get purge --yes python3 make g++ \
 && apt-get autoremove --yes \
 && rm -rf /var/lib/apt/lists/*
COPY --from=build /app/dist ./dist
COPY cards ./cards
COPY kb ./kb
COPY contacts ./contacts
COPY quick-replies.json ./
# SQLITE_PATH defaults to data/relaydesk.db: keep data/ on a volume (not needed with STORE=postgres).
RUN mkdir -p /app/data && chown node:node /app/data
VOLUME ["/app/data"]
USER node
EXPOSE 3978
# No curl in slim images: Node asks /healthz itself.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3978)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# Migrations run at every start. SIGTERM (docker stop) drains within SHUTDOWN_GRACE_S (default 10 s), and a send
# still under way then gets as long again: give `docker stop -t` / stop_grace_period more than twice that.
# The Node options are npm start's (package.json; the README's "Heap" says why): test/deploy checks they match.
CMD ["node", "--max-old-space-size=1024", "dist/main.js"]
