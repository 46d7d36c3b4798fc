# The identity-audit image: docker build -t identity-audit . (docker-compose.yml builds it as identity-audit:local).
# Only pom.xml, schemas/ and src/ are sent to the build (.dockerignore).

FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /build
COPY pom.xml ./
# Dependencies in their own layer, so a code change does not download them again. This only warms the cache:
# whatever it cannot resolve ahead of time, the package step below fetches (and fails on, if it must).
RUN mvn -q -B dependency:go-offline || true
COPY schemas/ schemas/
COPY src/ src/
RUN mvn -q -B package -DskipTests

FROM eclipse-temurin:17-jre
RUN groupadd --system --gid 10001 identity-audit \
    && useradd --system --uid 10001 --gid identity-audit --home-dir /var/lib/identity-audit --create-home \
       --shell /usr/sbin/nologin identity-audit
COPY --from=build /build/target/identity-audit.jar /app/identity-audit.jar
USER identity-audit
# The default --data-dir (identity-audit-data: Streams state, or the embedded broker's log) lands here.
WORKDIR /var/lib/identity-audit
# /metrics and /health (--metrics-port).
EXPOSE 9400
ENTRYPOINT ["java", "-jar", "/app/identity-audit.jar"]
CMD ["--help"]
