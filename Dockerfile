# Mutual in a container: `docker compose up -d` (compose.yaml) builds this.
# The build stage has the dev dependencies and builds the app; the runtime stage has Node,
# the production dependencies, the built app and the server's sources (run by tsx), as a
# user without privileges. tests/deploy/production.test.ts runs the same steps outside Docker:
# the runtime COPY lines, the `npm ci --omit=dev` line and the CMD below are read from here.

FROM node:20-bookworm-slim AS build
WORKDIR /app
# A toolchain for better-sqlite3 when no prebuilt binary fits (build stage only).
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build
# Then only what the server needs at run time.
RUN npm ci --omit=dev --no-audit --no-fund

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production HOST=0.0.0.0 PORT=3000 DATA_DIR=/data BACKUP_DIR=/backups
WORKDIR /app
COPY --from=build /app/package.json /app/package-lock.json /app/LICENSE ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/build ./build
COPY --from=build /app/server ./server
COPY --from=build /app/src/lib/shared ./src/lib/shared
# The compiled messages (made by the build): the server says notifications in each member's language.
COPY --from=build /app/src/lib/paraglide ./src/lib/paraglide
RUN mkdir -p /data /backups && chown node:node /data /backups
USER node
VOLUME ["/data", "/backups"]
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "--import", "tsx", "server/main.ts"]
