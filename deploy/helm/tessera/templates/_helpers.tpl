{{/* vim: set filetype=mustache: */}}

{{/* The eight services, in a fixed order, and the side each belongs to. */}}
{{- define "tessera.allServices" -}}
["gateway","auth","federation","insights","scheduler","ingestion","mining","privacy"]
{{- end -}}
{{- define "tessera.hubServices" -}}
["gateway","auth","federation","insights","scheduler"]
{{- end -}}
{{- define "tessera.storeNodeServices" -}}
["ingestion","mining","privacy"]
{{- end -}}

{{/* Side ("hub" or "store-node") of a service. Call with the service name. */}}
{{- define "tessera.sideOf" -}}
{{- if has . (include "tessera.hubServices" . | fromJsonArray) -}}hub{{- else -}}store-node{{- end -}}
{{- end -}}

{{/* Whether a service runs in this release: its side is deployed and it is enabled. dict "root" $ "name" svc */}}
{{- define "tessera.serviceEnabled" -}}
{{- $root := .root -}}
{{- $side := include "tessera.sideOf" .name -}}
{{- $svc := index $root.Values.services .name -}}
{{- if and $svc.enabled (or (eq $root.Values.role "all") (eq $root.Values.role $side)) -}}true{{- end -}}
{{- end -}}

{{/* JSON list of the services this release runs. */}}
{{- define "tessera.enabledServices" -}}
{{- $root := . -}}
{{- $out := list -}}
{{- range (include "tessera.allServices" . | fromJsonArray) -}}
{{- if include "tessera.serviceEnabled" (dict "root" $root "name" .) -}}
{{- $out = append $out . -}}
{{- end -}}
{{- end -}}
{{- $out | toJson -}}
{{- end -}}

{{/* Chart name. */}}
{{- define "tessera.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/*
Full name prefix. Truncated to 45 characters so "<fullname>-<service>" (longest
suffix "-federation") and derived names stay within 63.
*/}}
{{- define "tessera.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 45 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 45 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 45 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* Name of one service's resources. dict "root" $ "name" svc */}}
{{- define "tessera.serviceFullname" -}}
{{- printf "%s-%s" (include "tessera.fullname" .root) .name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Chart label. */}}
{{- define "tessera.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Labels on every resource. */}}
{{- define "tessera.labels" -}}
helm.sh/chart: {{ include "tessera.chart" . }}
{{ include "tessera.selectorLabels" . }}
app.kubernetes.io/version: {{ (default .Chart.AppVersion .Values.image.tag) | trunc 63 | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: tessera
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/* Selector labels shared by every resource of the release. */}}
{{- define "tessera.selectorLabels" -}}
app.kubernetes.io/name: {{ include "tessera.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{/* Labels for one service's resources. dict "root" $ "name" svc */}}
{{- define "tessera.serviceLabels" -}}
{{ include "tessera.labels" .root }}
app.kubernetes.io/component: {{ .name }}
tessera.io/side: {{ include "tessera.sideOf" .name }}
{{- end -}}

{{/* Selector labels for one service. dict "root" $ "name" svc */}}
{{- define "tessera.serviceSelectorLabels" -}}
{{ include "tessera.selectorLabels" .root }}
app.kubernetes.io/component: {{ .name }}
{{- end -}}

{{/* ServiceAccount name. */}}
{{- define "tessera.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "tessera.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* Name of the Secret the pods read sensitive settings from. */}}
{{- define "tessera.secretName" -}}
{{- default (include "tessera.fullname" .) .Values.secrets.existingSecret -}}
{{- end -}}

{{/* Whether the chart creates the Secret: no existingSecret and at least one value given. */}}
{{- define "tessera.createSecret" -}}
{{- $s := .Values.secrets -}}
{{- if and (not $s.existingSecret) (or $s.databaseUrl $s.customerHashKey $s.redisUrl) -}}true{{- end -}}
{{- end -}}

{{/* Image reference. */}}
{{- define "tessera.image" -}}
{{- if .Values.image.digest -}}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest -}}
{{- else -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag | toString) -}}
{{- end -}}
{{- end -}}

{{/* In-cluster gRPC address (host:port) of a service of this release. dict "root" $ "name" svc */}}
{{- define "tessera.grpcAddress" -}}
{{- $svc := index .root.Values.services .name -}}
{{- printf "%s:%v" (include "tessera.serviceFullname" .) $svc.grpcPort -}}
{{- end -}}

{{/*
A per-service setting that falls back to the top-level default: a map override is
merged over the default; a setting is taken from the service when it has the key.
dict "root" $ "name" svc "key" "autoscaling"
*/}}
{{- define "tessera.merged" -}}
{{- $default := index .root.Values .key | default dict -}}
{{- $override := index (index .root.Values.services .name) .key | default dict -}}
{{- $out := deepCopy $default -}}
{{- range $k, $v := $override -}}
{{- $_ := set $out $k $v -}}
{{- end -}}
{{- $out | toJson -}}
{{- end -}}

{{/* Fail early on values that cannot work. */}}
{{- define "tessera.validate" -}}
{{- $v := .Values -}}
{{- if not (has $v.role (list "hub" "store-node" "all")) -}}
{{- fail (printf "role must be hub, store-node or all (got %q)" $v.role) -}}
{{- end -}}
{{- if and (eq $v.role "store-node") (not $v.hub.federationAddress) -}}
{{- fail "role=store-node needs hub.federationAddress (host:port of the hub's federation gRPC endpoint)" -}}
{{- end -}}
{{- if and $v.secrets.customerHashKey (lt (len $v.secrets.customerHashKey) 32) -}}
{{- fail "secrets.customerHashKey must be at least 32 characters" -}}
{{- end -}}
{{- if not (has $v.config.otel.exporter (list "none" "console" "otlp")) -}}
{{- fail (printf "config.otel.exporter must be none, console or otlp (got %q)" $v.config.otel.exporter) -}}
{{- end -}}
{{- if and (eq $v.config.otel.exporter "otlp") (not $v.config.otel.otlpEndpoint) -}}
{{- fail "config.otel.exporter=otlp needs config.otel.otlpEndpoint" -}}
{{- end -}}
{{- if $v.mtls.enabled -}}
{{- if and (ne $v.role "store-node") (not $v.mtls.serverCertSecretName) -}}
{{- fail "mtls.enabled on the hub side needs mtls.serverCertSecretName" -}}
{{- end -}}
{{- if and (ne $v.role "hub") (not $v.mtls.clientCertSecretName) -}}
{{- fail "mtls.enabled on the store-node side needs mtls.clientCertSecretName" -}}
{{- end -}}
{{- end -}}
{{- if and $v.secrets.redisUrlFromSecret (not $v.secrets.existingSecret) (not $v.secrets.redisUrl) -}}
{{- fail "secrets.redisUrlFromSecret needs secrets.redisUrl or secrets.existingSecret" -}}
{{- end -}}
{{- end -}}

{{/* Which mTLS certificate Secret a service mounts, if any. dict "root" $ "name" svc */}}
{{- define "tessera.mtlsSecret" -}}
{{- $v := .root.Values -}}
{{- if $v.mtls.enabled -}}
{{- if eq .name "federation" -}}
{{- $v.mtls.serverCertSecretName -}}
{{- else if eq (include "tessera.sideOf" .name) "store-node" -}}
{{- $v.mtls.clientCertSecretName -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* Environment of one service's container. dict "root" $ "name" svc */}}
{{- define "tessera.env" -}}
{{- $root := .root -}}
{{- $v := $root.Values -}}
{{- $name := .name -}}
{{- $svc := index $v.services $name -}}
{{- $secretName := include "tessera.secretName" $root -}}
- name: TESSERA_SERVICE
  value: {{ $name | quote }}
- name: HTTP_PORT
  value: {{ $svc.httpPort | quote }}
{{- if ne $name "gateway" }}
- name: GRPC_PORT
  value: {{ $svc.grpcPort | quote }}
{{- end }}
- name: LOG_LEVEL
  value: {{ $v.config.logLevel | quote }}
- name: OTEL_EXPORTER
  value: {{ $v.config.otel.exporter | quote }}
{{- with $v.config.otel.otlpEndpoint }}
- name: OTEL_EXPORTER_OTLP_ENDPOINT
  value: {{ . | quote }}
{{- end }}
- name: OTEL_SERVICE_NAME
  value: {{ printf "tessera-%s" $name | quote }}
{{- if ne $name "gateway" }}
- name: DATABASE_URL
  valueFrom:
    secretKeyRef:
      name: {{ $secretName }}
      key: {{ $v.secrets.keys.databaseUrl }}
- name: DATABASE_POOL_SIZE
  value: {{ $v.config.database.poolSize | quote }}
{{- end }}
- name: BUS_DRIVER
  value: {{ $v.config.bus.driver | quote }}
- name: KAFKA_BROKERS
  value: {{ join "," $v.config.kafka.brokers | quote }}
{{- if eq $name "gateway" }}
{{- if $v.secrets.redisUrlFromSecret }}
- name: REDIS_URL
  valueFrom:
    secretKeyRef:
      name: {{ $secretName }}
      key: {{ $v.secrets.keys.redisUrl }}
{{- else }}
- name: REDIS_URL
  value: {{ $v.config.redis.url | quote }}
{{- end }}
{{- end }}
{{- if eq $name "ingestion" }}
- name: CUSTOMER_HASH_KEY
  valueFrom:
    secretKeyRef:
      name: {{ $secretName }}
      key: {{ $v.secrets.keys.customerHashKey }}
- name: MAX_UPLOAD_BYTES
  value: {{ $svc.maxUploadBytes | int64 | quote }}
{{- end }}
{{- /* Service-to-service gRPC addresses: in-cluster for services of this release, the hub's for a store node. */}}
{{- $remote := dict "federation" $v.hub.federationAddress "auth" $v.hub.authAddress "insights" $v.hub.insightsAddress }}
{{- range $target := list "ingestion" "mining" "privacy" "auth" "federation" "insights" }}
{{- $url := "" }}
{{- if include "tessera.serviceEnabled" (dict "root" $root "name" $target) }}
{{- $url = include "tessera.grpcAddress" (dict "root" $root "name" $target) }}
{{- else if eq $v.role "store-node" }}
{{- $url = get $remote $target }}
{{- end }}
{{- if $url }}
- name: {{ printf "%s_GRPC_URL" (upper $target) }}
  value: {{ $url | quote }}
{{- end }}
{{- end }}
{{- if include "tessera.mtlsSecret" . }}
- name: GRPC_TLS_CERT_FILE
  value: {{ printf "%s/tls.crt" $v.mtls.mountPath | quote }}
- name: GRPC_TLS_KEY_FILE
  value: {{ printf "%s/tls.key" $v.mtls.mountPath | quote }}
- name: GRPC_TLS_CA_FILE
  value: {{ printf "%s/ca.crt" $v.mtls.mountPath | quote }}
{{- end }}
{{- with $v.config.extraEnv }}
{{ toYaml . }}
{{- end }}
{{- with $svc.env }}
{{ toYaml . }}
{{- end }}
{{- end -}}
