{{/*
Shared pieces. Every object is named after what it is, not after the release: Dapr app ids are the
function names and the code refers to components by name (pubsub, statestore, email, cron-tick), so
one namespace holds one taskfn release.
*/}}

{{- define "taskfn.labels" -}}
app.kubernetes.io/part-of: taskfn
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end }}

{{/* Labels of one function's objects: (dict "root" $ "fn" $fn) */}}
{{- define "taskfn.fnLabels" -}}
{{ include "taskfn.labels" .root }}
app.kubernetes.io/name: {{ .fn.name }}
app.kubernetes.io/component: {{ .fn.trigger }}-function
{{- end }}

{{/*
The image by digest when image.digest is set (CD deploys what it pushed, and Knative has no tag to
resolve against a private registry), else by tag.
*/}}
{{- define "taskfn.image" -}}
{{- if .Values.image.digest -}}
{{ .Values.image.repository }}@{{ .Values.image.digest }}
{{- else -}}
{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}
{{- end -}}
{{- end }}

{{- define "taskfn.serviceAccountName" -}}
{{ .Values.serviceAccount.name | default "taskfn" }}
{{- end }}

{{/*
checkov skips of the laptop-only dev dependencies (values-local.yaml): the official images run as
their entrypoints expect (root, then their own user), and their clients retry instead of a liveness
probe. Never rendered for a cloud.
*/}}
{{- define "taskfn.devCheckovSkips" -}}
checkov.io/skip1: CKV_K8S_23=laptop-only dev dependency; the official image's entrypoint starts as root and drops to its user
checkov.io/skip2: CKV_K8S_20=laptop-only dev dependency; the entrypoint's user switch needs privilege escalation
checkov.io/skip3: CKV_K8S_37=laptop-only dev dependency; the entrypoint's user switch needs its default capabilities
checkov.io/skip4: CKV_K8S_28=laptop-only dev dependency; the entrypoint's user switch needs its default capabilities
checkov.io/skip5: CKV_K8S_22=laptop-only dev dependency; the image writes its runtime files beside its data
checkov.io/skip6: CKV_K8S_29=laptop-only dev dependency; run as the official image is documented to run
checkov.io/skip7: CKV_K8S_30=laptop-only dev dependency; run as the official image is documented to run
checkov.io/skip8: CKV_K8S_31=laptop-only dev dependency; run as the official image is documented to run
checkov.io/skip9: CKV_K8S_8=laptop-only dev dependency; its clients retry, a restart would lose nothing a probe could save
{{- end }}

{{/* A secretKeyRef from a {name, key} value. */}}
{{- define "taskfn.secretKeyRef" -}}
secretKeyRef:
  name: {{ required "a secret reference needs a name" .name }}
  key: {{ required "a secret reference needs a key" .key }}
{{- end }}

{{/*
The functions' settings: functionDefaults with functionOverrides.<name> on top, as YAML.
(dict "root" $ "fn" $fn)
*/}}
{{- define "taskfn.settings" -}}
{{- $override := index .root.Values.functionOverrides .fn.name | default dict -}}
{{- toYaml (mergeOverwrite (deepCopy .root.Values.functionDefaults) (deepCopy $override)) -}}
{{- end }}

{{/*
Whether an event or cron function is pushed to by Knative Eventing (eventWiring=knative) rather
than pulled by its sidecar. HTTP functions are never.
*/}}
{{- define "taskfn.pushed" -}}
{{- if and (ne .fn.trigger "http") (eq .root.Values.eventWiring "knative") -}}true{{- end -}}
{{- end }}

{{/*
Whether a function runs with a Dapr sidecar. A pushed function needs none unless it uses the state
store or the email binding: it publishes with the kafka transport, because a sidecar would also
read its GET /dapr/subscribe and consume the topic the KafkaSource already delivers.
*/}}
{{- define "taskfn.sidecar" -}}
{{- if or (not (include "taskfn.pushed" .)) (has "state" .fn.uses) (has "email" .fn.uses) -}}true{{- end -}}
{{- end }}

{{/* The outbox relay's transport: kafka for pushed functions, dapr for the rest. */}}
{{- define "taskfn.transport" -}}
{{- if include "taskfn.pushed" . -}}kafka{{- else -}}dapr{{- end -}}
{{- end }}

{{/* Names of the functions of one trigger kind, as a YAML list: (dict "root" $ "trigger" "event") */}}
{{- define "taskfn.namesOf" -}}
{{- $names := list -}}
{{- range .root.Values.functions -}}
{{- if eq .trigger $.trigger -}}{{- $names = append $names .name -}}{{- end -}}
{{- end -}}
{{- toYaml $names -}}
{{- end }}

{{/*
Scopes: each component is loaded only by the functions that use it. pubsub: the functions whose
sidecar publishes (they write the outbox) or delivers subscriptions. (dict "root" $ "use" "state")
*/}}
{{- define "taskfn.scopes" -}}
{{- $scopes := list -}}
{{- range .root.Values.functions -}}
{{- $ctx := dict "root" $.root "fn" . -}}
{{- if include "taskfn.sidecar" $ctx -}}
{{- if eq $.use "pubsub" -}}
{{- if and (eq (include "taskfn.transport" $ctx) "dapr") (or (has "publish" .uses) (eq .trigger "event")) -}}
{{- $scopes = append $scopes .name -}}
{{- end -}}
{{- else if has $.use .uses -}}
{{- $scopes = append $scopes .name -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- toYaml $scopes -}}
{{- end }}

{{/* Kafka's bootstrap servers: the in-cluster dev broker's full name, or kafka.brokers. */}}
{{- define "taskfn.kafkaBrokers" -}}
{{- if .Values.dev.kafka.enabled -}}
{{ printf "taskfn-kafka.%s.svc.%s:9092" .Release.Namespace .Values.gateway.clusterDomain }}
{{- else -}}
{{ required "kafka.brokers is required" .Values.kafka.brokers }}
{{- end -}}
{{- end }}

{{/* Redis host:port: the in-cluster dev Valkey, or redis.host. */}}
{{- define "taskfn.redisHost" -}}
{{- if .Values.dev.redis.enabled -}}
{{ printf "taskfn-redis.%s.svc.%s:6379" .Release.Namespace .Values.gateway.clusterDomain }}
{{- else -}}
{{ required "redis.host is required" .Values.redis.host }}
{{- end -}}
{{- end }}

{{/* Kafka connection settings for kafkajs (topic provisioning, the kafka transport). */}}
{{- define "taskfn.kafkaEnv" -}}
- name: KAFKA_BROKERS
  value: {{ include "taskfn.kafkaBrokers" . | quote }}
- name: KAFKA_TLS
  value: {{ .Values.kafka.tls | quote }}
- name: KAFKA_REPLICATION_FACTOR
  value: {{ .Values.kafka.replicationFactor | quote }}
{{- with .Values.kafka.sasl }}
{{- if .mechanism }}
- name: KAFKA_SASL_MECHANISM
  value: {{ .mechanism | lower | quote }}
- name: KAFKA_SASL_USERNAME
  valueFrom:
    {{- include "taskfn.secretKeyRef" .username | nindent 4 }}
- name: KAFKA_SASL_PASSWORD
  valueFrom:
    {{- include "taskfn.secretKeyRef" .password | nindent 4 }}
{{- end }}
{{- end }}
{{- end }}

{{/*
Environment every taskfn container gets: the database, and the app API token production requires
(event, cron and relay endpoints take only callers that send it, or a Knative source's OIDC token).
*/}}
{{- define "taskfn.baseEnv" -}}
- name: NODE_ENV
  value: production
- name: LOG_LEVEL
  value: {{ .Values.config.logLevel | quote }}
- name: DATABASE_URL
  valueFrom:
    {{- include "taskfn.secretKeyRef" .Values.secrets.database | nindent 4 }}
{{ include "taskfn.appTokenEnv" . }}
{{- end }}

{{/* APP_API_TOKEN, which every process refuses to start without in production. */}}
{{- define "taskfn.appTokenEnv" -}}
# The same Secret the sidecar sends on event and cron calls (dapr.io/app-token-secret).
- name: APP_API_TOKEN
  valueFrom:
    secretKeyRef:
      name: {{ .Values.secrets.appApiToken }}
      key: token
{{- end }}

{{/*
The OIDC audience a Knative source asks a token for and the function requires (wiring knative):
one per function, so a token for one sink is refused by every other. (dict "root" $ "fn" $fn)
*/}}
{{- define "taskfn.oidcAudience" -}}
taskfn/{{ .root.Release.Namespace }}/{{ .fn.name }}
{{- end }}

{{/*
A Dapr secretKeyRef for a component's credential: the Dapr-side reference when the values give one
(a Key Vault secret name on Azure), else the Kubernetes Secret the pods use.
(dict "ref" $kubernetesRef "dapr" $daprRef)
*/}}
{{- define "taskfn.daprSecret" -}}
{{- $ref := .dapr | default .ref -}}
secretKeyRef:
  name: {{ required "a secret reference needs a name" $ref.name }}
  key: {{ required "a secret reference needs a key" $ref.key }}
{{- end }}

{{/* The component's auth block: only when the Dapr secret store is not Kubernetes' own. */}}
{{- define "taskfn.componentAuth" -}}
{{- if ne .Values.secretStore.type "kubernetes" }}
auth:
  secretStore: {{ .Values.dapr.secretStoreName }}
{{- end }}
{{- end }}

{{/*
One function's Knative Service. (dict "root" $ "fn" $fn "minScale" n "maxScale" n)
The per-kind templates decide the scale; everything else is common.
*/}}
{{- define "taskfn.knativeService" -}}
{{- $root := .root -}}
{{- $fn := .fn -}}
{{- $ctx := dict "root" $root "fn" $fn -}}
{{- $s := include "taskfn.settings" $ctx | fromYaml -}}
{{- $sidecar := include "taskfn.sidecar" $ctx -}}
{{- $pushed := include "taskfn.pushed" $ctx -}}
{{- $transport := include "taskfn.transport" $ctx -}}
{{- $d := $root.Values.dapr -}}
apiVersion: serving.knative.dev/v1
kind: Service
metadata:
  name: {{ $fn.name }}
  labels:
    {{- include "taskfn.fnLabels" $ctx | nindent 4 }}
    # Always reached only inside the cluster: the public API is the Gateway API HTTPRoutes, which
    # route /api, / and the web assets alone, never /metrics, /events/*, /cron-tick, /relay-outbox or /dapr/*.
    networking.knative.dev/visibility: cluster-local
spec:
  template:
    metadata:
      labels:
        {{- include "taskfn.fnLabels" $ctx | nindent 8 }}
        {{- with $root.Values.podLabels }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
      annotations:
        autoscaling.knative.dev/class: kpa.autoscaling.knative.dev
        autoscaling.knative.dev/metric: concurrency
        autoscaling.knative.dev/target: {{ $s.autoscaling.target | quote }}
        autoscaling.knative.dev/min-scale: {{ .minScale | quote }}
        autoscaling.knative.dev/max-scale: {{ .maxScale | quote }}
        {{- if gt (int .minScale) 0 }}
        autoscaling.knative.dev/initial-scale: {{ .minScale | quote }}
        {{- end }}
        {{- if $sidecar }}
        dapr.io/enabled: "true"
        dapr.io/app-id: {{ $fn.name }}
        dapr.io/app-port: {{ $d.appPort | quote }}
        dapr.io/app-protocol: http
        dapr.io/config: {{ $d.configName }}
        dapr.io/enable-app-health-check: "true"
        dapr.io/app-health-check-path: /healthz
        dapr.io/enable-metrics: "true"
        # Knative's queue-proxy serves its own metrics on 9090 and 9091.
        dapr.io/metrics-port: {{ $d.metricsPort | quote }}
        dapr.io/log-level: {{ $d.logLevel }}
        dapr.io/log-as-json: "true"
        dapr.io/api-token-secret: {{ $root.Values.secrets.daprApiToken }}
        # daprd sends the Secret's token as dapr-api-token on every call to the app (APP_API_TOKEN).
        dapr.io/app-token-secret: {{ $root.Values.secrets.appApiToken }}
        dapr.io/sidecar-cpu-request: {{ $d.sidecar.cpuRequest | quote }}
        dapr.io/sidecar-memory-request: {{ $d.sidecar.memoryRequest | quote }}
        dapr.io/sidecar-memory-limit: {{ $d.sidecar.memoryLimit | quote }}
        # The account mounts no API token, and no component reads Kubernetes Secrets through daprd:
        # the operator resolves their secretKeyRefs. A built-in store that cannot initialise would
        # make every sidecar exit (dapr/dapr#7682).
        dapr.io/disable-builtin-k8s-secret-store: "true"
        # Knative sends the first request as soon as the pod is ready: daprd's own readiness is
        # checked from the first second on, not after its 3 s default delay.
        dapr.io/sidecar-readiness-probe-delay-seconds: {{ $d.sidecar.readinessProbeDelaySeconds | quote }}
        dapr.io/sidecar-readiness-probe-period-seconds: {{ $d.sidecar.readinessProbePeriodSeconds | quote }}
        {{- end }}
    spec:
      serviceAccountName: {{ include "taskfn.serviceAccountName" $root }}
      containerConcurrency: {{ $s.containerConcurrency }}
      timeoutSeconds: {{ $s.timeoutSeconds }}
      {{- with $root.Values.imagePullSecrets }}
      imagePullSecrets:
        {{- range . }}
        - name: {{ . }}
        {{- end }}
      {{- end }}
      containers:
        - name: function
          image: {{ include "taskfn.image" $root }}
          imagePullPolicy: {{ $root.Values.image.pullPolicy }}
          ports:
            - name: http1
              containerPort: {{ $d.appPort }}
          env:
            - name: FUNCTION_TARGET
              value: {{ $fn.name }}
            {{- include "taskfn.baseEnv" $root | nindent 12 }}
            - name: AUTH_MODE
              value: jwt
            {{- with $root.Values.config.jwksUrl }}
            - name: JWKS_URL
              value: {{ . | quote }}
            {{- end }}
            {{- with $root.Values.secrets.jwt.name }}
            - name: JWT_SECRET
              valueFrom:
                {{- include "taskfn.secretKeyRef" $root.Values.secrets.jwt | nindent 16 }}
            {{- end }}
            {{- with $root.Values.config.jwtIssuer }}
            - name: JWT_ISSUER
              value: {{ . | quote }}
            {{- end }}
            {{- with $root.Values.config.jwtAudience }}
            - name: JWT_AUDIENCE
              value: {{ . | quote }}
            {{- end }}
            - name: EVENT_TRANSPORT
              value: {{ $transport }}
            {{- if eq $transport "kafka" }}
            - name: KAFKA_CLIENT_ID
              value: {{ $fn.name }}
            {{- include "taskfn.kafkaEnv" $root | nindent 12 }}
            {{- end }}
            {{- if $sidecar }}
            - name: DAPR_PUBSUB_NAME
              value: {{ $d.pubsubName }}
            # /healthz waits for daprd's components (GET /v1.0/healthz/outbound).
            - name: DAPR_HEALTH_CHECK
              value: "true"
            - name: DAPR_API_TOKEN
              valueFrom:
                secretKeyRef:
                  name: {{ $root.Values.secrets.daprApiToken }}
                  key: token
            {{- end }}
            {{- if $pushed }}
            {{- $o := $root.Values.knative.oidc }}
            # Knative Eventing's sender identity: the source sends a service account token for this
            # function's audience; the keys are the API server's, fetched with the pod's own token.
            - name: EVENT_OIDC_ISSUER
              value: {{ required "knative.oidc.issuer is required with eventWiring knative" $o.issuer | quote }}
            - name: EVENT_OIDC_JWKS_URL
              value: {{ $o.jwksUrl | quote }}
            - name: EVENT_OIDC_AUDIENCE
              value: {{ include "taskfn.oidcAudience" $ctx | quote }}
            - name: EVENT_OIDC_NAMESPACE
              value: {{ $root.Release.Namespace | quote }}
            - name: EVENT_OIDC_JWKS_TOKEN_FILE
              value: /var/run/secrets/taskfn/kube-api/token
            - name: NODE_EXTRA_CA_CERTS
              value: /var/run/secrets/taskfn/kube-api/ca.crt
            {{- end }}
            {{- if has "state" $fn.uses }}
            - name: CHAT_STATE
              value: dapr
            - name: DAPR_STATE_STORE
              value: {{ $d.stateStoreName }}
            {{- end }}
            {{- if and (has "email" $fn.uses) (ne $root.Values.email.provider "none") }}
            - name: EMAIL_TRANSPORT
              value: dapr
            - name: DAPR_EMAIL_BINDING
              value: {{ $d.emailBindingName }}
            {{- end }}
            {{- range $name, $value := merge (deepCopy ($s.env | default dict)) $root.Values.config.extraEnv }}
            - name: {{ $name }}
              value: {{ $value | quote }}
            {{- end }}
            {{- range $name, $ref := $s.secretEnv }}
            - name: {{ $name }}
              valueFrom:
                {{- include "taskfn.secretKeyRef" $ref | nindent 16 }}
            {{- end }}
          {{- if $pushed }}
          volumeMounts:
            - name: kube-api
              mountPath: /var/run/secrets/taskfn/kube-api
              readOnly: true
          {{- end }}
          # No periodSeconds: Knative probes a starting pod every few milliseconds only while it is
          # unset, so a request waiting on a cold start goes in the moment /healthz answers
          # (which includes daprd's outbound health for a function that uses its sidecar).
          readinessProbe:
            httpGet:
              path: /healthz
          resources:
            {{- toYaml $s.resources | nindent 12 }}
          securityContext:
            runAsNonRoot: true
            runAsUser: 1000
            runAsGroup: 1000
            allowPrivilegeEscalation: false
            readOnlyRootFilesystem: true
            capabilities:
              drop: [ALL]
            seccompProfile:
              type: RuntimeDefault
      {{- if $pushed }}
      volumes:
        # The account has no token mounted (automountServiceAccountToken: false); this one is only
        # for reading the API server's signing keys, which it serves to service accounts alone.
        - name: kube-api
          projected:
            sources:
              - serviceAccountToken:
                  path: token
                  expirationSeconds: 3600
              - configMap:
                  name: kube-root-ca.crt
                  items:
                    - key: ca.crt
                      path: ca.crt
      {{- end }}
{{- end }}
