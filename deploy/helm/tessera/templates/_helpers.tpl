{{/* vim: set filetype=mustache: */}}

{{/*
The eight services, in a fixed order, and the side each belongs to. The gateway, insights and
the scheduler run on both sides: on the hub (GATEWAY_ROLE=hub, INSIGHTS_ROLE=hub,
SCHEDULER_ROLE=hub: rounds, consortium refreshes, audit and round-artefact retention) and on
each store node (the store's front door, its own insights, its own scheduler: scheduled mining,
erasure requests, raw-data retention); with role=all one Deployment of each does both.
*/}}
{{- define "tessera.allServices" -}}
["gateway","auth","federation","insights","scheduler","ingestion","mining","privacy"]
{{- end -}}
{{- define "tessera.hubServices" -}}
["gateway","auth","federation","insights","scheduler"]
{{- end -}}
{{- define "tessera.storeNodeServices" -}}
["gateway","ingestion","mining","privacy","insights","scheduler"]
{{- end -}}

{{/* Side label of a service: "hub", "store-node", or "both" (gateway, insights, scheduler). Call with the service name. */}}
{{- define "tessera.sideOf" -}}
{{- $hub := has . (include "tessera.hubServices" . | fromJsonArray) -}}
{{- $store := has . (include "tessera.storeNodeServices" . | fromJsonArray) -}}
{{- if and $hub $store -}}both{{- else if $hub -}}hub{{- else -}}store-node{{- end -}}
{{- end -}}

{{/* The side a service plays in this release: the release's role for a two-sided service, else its own side; "all" for a two-sided service in role=all. dict "root" $ "name" svc */}}
{{- define "tessera.sideIn" -}}
{{- $side := include "tessera.sideOf" .name -}}
{{- if eq $side "both" -}}{{- .root.Values.role -}}{{- else -}}{{- $side -}}{{- end -}}
{{- end -}}

{{/* Whether a service runs in this release: its side is deployed and it is enabled. dict "root" $ "name" svc */}}
{{- define "tessera.serviceEnabled" -}}
{{- $root := .root -}}
{{- $side := include "tessera.sideOf" .name -}}
{{- $svc := index $root.Values.services .name -}}
{{- if and $svc.enabled (or (eq $root.Values.role "all") (eq $root.Values.role $side) (eq $side "both")) -}}true{{- end -}}
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
suffix "-federation-node", the node-front Service) and derived names stay within 63.
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

{{/* Name of the Secret holding the JWT keys: secrets.jwtExistingSecret, else the main Secret. */}}
{{- define "tessera.jwtSecretName" -}}
{{- default (include "tessera.secretName" .) .Values.secrets.jwtExistingSecret -}}
{{- end -}}

{{/* Values that go into the chart-created Secret (name -> key field under secrets.keys). */}}
{{- define "tessera.secretValueNames" -}}
["databaseUrl","customerHashKey","jwtSigningKeys","jwtVerifyKeys","metricsToken","bootstrapAdminEmail","bootstrapAdminPassword","redisUrl","s3AccessKey","s3SecretKey"]
{{- end -}}

{{/* Whether the chart creates the Secret: no existingSecret and at least one value given. */}}
{{- define "tessera.createSecret" -}}
{{- $s := .Values.secrets -}}
{{- if not $s.existingSecret -}}
{{- range (include "tessera.secretValueNames" . | fromJsonArray) -}}
{{- if index $s . -}}true{{- end -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* Image reference. */}}
{{- define "tessera.image" -}}
{{- if .Values.image.digest -}}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest -}}
{{- else -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag | toString) -}}
{{- end -}}
{{- end -}}

{{/*
The ports one service listens on in this release, as a JSON map name -> port, from
services.<name>.ports (declared once; the Service, the containerPorts, the probes, the
NetworkPolicy, the ingress and the peers' URLs all read them through this). The gateway's
node-api port is the hub's node front: only with role=hub. dict "root" $ "name" svc
*/}}
{{- define "tessera.ports" -}}
{{- $ports := deepCopy ((index .root.Values.services .name).ports | default dict) -}}
{{- if and (eq .name "gateway") (ne .root.Values.role "hub") -}}
{{- $_ := unset $ports "node-api" -}}
{{- end -}}
{{- $ports | toJson -}}
{{- end -}}

{{/* The names of a service's ports in this release, http first. dict "root" $ "name" svc */}}
{{- define "tessera.portNames" -}}
{{- $ports := include "tessera.ports" . | fromJson -}}
{{- $out := list -}}
{{- range $n := list "http" "grpc" "grpc-node" "node-api" -}}
{{- if hasKey $ports $n -}}{{- $out = append $out $n -}}{{- end -}}
{{- end -}}
{{- $out | toJson -}}
{{- end -}}

{{/* The port names each service may declare, and the variable each one sets. */}}
{{- define "tessera.portVariables" -}}
{"http":"HTTP_PORT","grpc":"GRPC_PORT","grpc-node":"NODE_GRPC_PORT","node-api":"NODE_API_PORT"}
{{- end -}}
{{- define "tessera.requiredPorts" -}}
{"gateway":["http","node-api"],"auth":["http","grpc"],"federation":["http","grpc","grpc-node"],"insights":["http","grpc"],"scheduler":["http","grpc"],"ingestion":["http","grpc"],"mining":["http","grpc"],"privacy":["http","grpc"]}
{{- end -}}

{{/* One named port of a service of this release. dict "root" $ "name" svc "port" portName */}}
{{- define "tessera.port" -}}
{{- $ports := include "tessera.ports" (dict "root" .root "name" .name) | fromJson -}}
{{- if not (hasKey $ports .port) -}}
{{- fail (printf "services.%s.ports has no %q port" .name .port) -}}
{{- end -}}
{{- index $ports .port | int -}}
{{- end -}}

{{/* In-cluster address (host:port) of a named port of a service of this release. dict "root" $ "name" svc "port" portName */}}
{{- define "tessera.address" -}}
{{- printf "%s:%s" (include "tessera.serviceFullname" .) (include "tessera.port" .) -}}
{{- end -}}

{{/* The port of an address: host:port, or an http(s) URL (default 443/80). Call with the address. */}}
{{- define "tessera.portOfAddress" -}}
{{- if regexMatch "^[a-z]+://" . -}}
{{- $u := urlParse . -}}
{{- $p := regexFind ":[0-9]+$" $u.host | trimPrefix ":" -}}
{{- $p | default (ternary "443" "80" (eq $u.scheme "https")) -}}
{{- else -}}
{{- regexFind ":[0-9]+$" . | trimPrefix ":" -}}
{{- end -}}
{{- end -}}

{{/*
The addresses one service dials, as a JSON map variable -> address: the in-release Service
(its port from services.<target>.ports) when this release runs the target, else the hub's
address the values give (hub.* on a store node), else nothing (the variable is not set). No
hub service is ever given a store's address: the hub never dials into a store node (the
store node's scheduler runs its scheduled mining, with the release's own mining).
dict "root" $ "name" svc
*/}}
{{- define "tessera.dials" -}}
{{- $root := .root -}}
{{- $v := $root.Values -}}
{{- $name := .name -}}
{{- $out := dict -}}
{{- $local := dict -}}
{{- $targets := dict "gateway" (list "auth" "federation" "scheduler" "ingestion" "mining" "privacy" "insights") "mining" (list "ingestion") "privacy" (list "mining") "scheduler" (list "auth" "federation" "mining") "insights" (list "ingestion" "mining" "federation") -}}
{{- if eq $v.role "hub" -}}
{{- $_ := set $targets "gateway" (list "auth" "federation" "scheduler") -}}
{{- $_ := set $targets "insights" (list "federation") -}}
{{- $_ := set $targets "scheduler" (list "auth" "federation") -}}
{{- else if eq $v.role "store-node" -}}
{{- $_ := set $targets "gateway" (list "ingestion" "mining" "privacy" "insights" "scheduler") -}}
{{- $_ := set $targets "scheduler" (list "mining") -}}
{{- end -}}
{{- range $target := (get $targets $name | default list) -}}
{{- if include "tessera.serviceEnabled" (dict "root" $root "name" $target) -}}
{{- $_ := set $out (printf "%s_GRPC_URL" (upper $target)) (include "tessera.address" (dict "root" $root "name" $target "port" "grpc")) -}}
{{- end -}}
{{- end -}}
{{- if and (eq $name "gateway") (ne $v.role "store-node") (include "tessera.serviceEnabled" (dict "root" $root "name" "insights")) -}}
{{- $_ := set $out "INSIGHTS_HUB_GRPC_URL" (include "tessera.address" (dict "root" $root "name" "insights" "port" "grpc")) -}}
{{- end -}}
{{- $fedHere := include "tessera.serviceEnabled" (dict "root" $root "name" "federation") -}}
{{- if and (eq $name "gateway") (eq $v.role "store-node") $v.hub.gatewayUrl -}}
{{- $_ := set $out "HUB_URL" $v.hub.gatewayUrl -}}
{{- end -}}
{{- if and (eq $name "insights") (eq $v.role "store-node") $v.hub.federationAddress -}}
{{- /* A store's insights read the consortium's published patterns over the hub's node port (mTLS, the node certificate), the address privacy dials; never the hub-internal coordinator API (FEDERATION_GRPC_URL stays unset: with FEDERATION_HUB_URL the store-node role never dials it). */ -}}
{{- $_ := set $out "FEDERATION_HUB_URL" $v.hub.federationAddress -}}
{{- end -}}
{{- if eq $name "privacy" -}}
{{- if $fedHere -}}
{{- $_ := set $out "FEDERATION_HUB_URL" (include "tessera.address" (dict "root" $root "name" "federation" "port" "grpc-node")) -}}
{{- else if $v.hub.federationAddress -}}
{{- $_ := set $out "FEDERATION_HUB_URL" $v.hub.federationAddress -}}
{{- end -}}
{{- if $v.services.privacy.federation.autoEnrol -}}
{{- if $fedHere -}}
{{- $_ := set $out "FEDERATION_AUTO_ENROL_URL" (include "tessera.address" (dict "root" $root "name" "federation" "port" "grpc")) -}}
{{- else if $v.hub.federationApiAddress -}}
{{- $_ := set $out "FEDERATION_AUTO_ENROL_URL" $v.hub.federationApiAddress -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- $out | toJson -}}
{{- end -}}

{{/*
The node link of a service: which side of a store-node <-> hub link it holds and the Secret
with its certificate, as JSON {"mode","side","secret"}, or empty when the service holds no
node link. Hub side (server certificate): federation (node port) and the gateway with
role=hub or all (node front). Store-node side (client certificate): privacy, insights and
the gateway with role=store-node; insights and privacy with role=all.
dict "root" $ "name" svc
*/}}
{{- define "tessera.nodeTls" -}}
{{- $v := .root.Values -}}
{{- $side := "" -}}
{{- if or (eq .name "federation") (and (eq .name "gateway") (ne $v.role "store-node")) -}}
{{- $side = "hub" -}}
{{- else if or (has .name (list "privacy")) (and (eq .name "insights") (ne $v.role "hub")) (and (eq .name "gateway") (eq $v.role "store-node")) -}}
{{- $side = "store-node" -}}
{{- end -}}
{{- if $side -}}
{{- $mode := $v.mtls.mode | default (ternary "plaintext" "mtls" (eq $v.role "all")) -}}
{{- $secret := "" -}}
{{- if eq $mode "mtls" -}}
{{- $secret = ternary $v.mtls.serverCertSecretName $v.mtls.clientCertSecretName (eq $side "hub") -}}
{{- end -}}
{{- dict "mode" $mode "side" $side "secret" $secret | toJson -}}
{{- end -}}
{{- end -}}

{{/* SCHEDULER_ROLE of the scheduler: the release's role (hub, store-node or all). */}}
{{- define "tessera.schedulerRole" -}}
{{- .Values.role -}}
{{- end -}}

{{/* INSIGHTS_ROLE of the insights service: the release's role, both with role=all. */}}
{{- define "tessera.insightsRole" -}}
{{- if eq .Values.role "all" -}}both{{- else -}}{{- .Values.role -}}{{- end -}}
{{- end -}}

{{/* BOSS_SCHEMA of the scheduler: the value, else config.database.schemaPrefix + scheduler_boss. */}}
{{- define "tessera.bossSchema" -}}
{{- $v := .Values -}}
{{- if $v.services.scheduler.bossSchema -}}
{{- $v.services.scheduler.bossSchema -}}
{{- else -}}
{{- printf "%sscheduler_boss" $v.config.database.schemaPrefix -}}
{{- end -}}
{{- end -}}

{{/* DATABASE_SCHEMA of a service, or empty for the service's default. dict "root" $ "name" svc */}}
{{- define "tessera.databaseSchema" -}}
{{- $v := .root.Values -}}
{{- $svc := index $v.services .name -}}
{{- if $svc.databaseSchema -}}
{{- $svc.databaseSchema -}}
{{- else if $v.config.database.schemaPrefix -}}
{{- printf "%s%s" $v.config.database.schemaPrefix .name -}}
{{- end -}}
{{- end -}}

{{/* FEDERATION_STORE_IDS (privacy) and NODE_STORE_IDS (a store node's gateway and scheduler) as a JSON list: services.privacy.federation.storeIds as a list or a comma-separated string. */}}
{{- define "tessera.storeIds" -}}
{{- $ids := .Values.services.privacy.federation.storeIds | default list -}}
{{- if kindIs "string" $ids -}}
{{- $ids = splitList "," $ids -}}
{{- end -}}
{{- $out := list -}}
{{- range $ids -}}
{{- if trim (toString .) -}}
{{- $out = append $out (trim (toString .)) -}}
{{- end -}}
{{- end -}}
{{- $out | toJson -}}
{{- end -}}

{{/* TRUST_PROXY of the gateway: the value, else 1 behind the chart's Ingress, else empty. */}}
{{- define "tessera.trustProxy" -}}
{{- $g := .Values.services.gateway -}}
{{- if ne (toString $g.trustProxy) "" -}}
{{- $g.trustProxy -}}
{{- else if .Values.ingress.enabled -}}
1
{{- end -}}
{{- end -}}

{{/* The paths of one ingress host (default: /api, Prefix). Call with the host entry. */}}
{{- define "tessera.ingressPaths" -}}
{{- .paths | default (list (dict "path" "/api" "pathType" "Prefix")) | toJson -}}
{{- end -}}

{{/* An env var read from a Secret. dict "env" NAME "secret" secretName "key" key "optional" bool */}}
{{- define "tessera.secretEnv" -}}
- name: {{ .env }}
  valueFrom:
    secretKeyRef:
      name: {{ .secret }}
      key: {{ .key }}
      {{- if .optional }}
      optional: true
      {{- end }}
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

{{/*
Parses a JWK set value (a JSON array of JWKs, or one JWK object) and fails with a message
naming the value when it is not one. dict "value" string "name" "secrets.x" ; returns JSON.
*/}}
{{- define "tessera.parseJwks" -}}
{{- $raw := trim .value -}}
{{- $list := list -}}
{{- if hasPrefix "{" $raw -}}
{{- $list = list (fromJson $raw) -}}
{{- else if hasPrefix "[" $raw -}}
{{- $list = fromJsonArray $raw -}}
{{- end -}}
{{- if not $list -}}
{{- fail (printf "%s must be a JSON array of JWKs (`npx tessera admin signing-key` prints them)" .name) -}}
{{- end -}}
{{- range $i, $k := $list -}}
{{- if or (not (kindIs "map" $k)) (hasKey $k "Error") (not $k.kid) -}}
{{- fail (printf "%s: key %d is not a JWK with a \"kid\" (`npx tessera admin signing-key` prints them)" $.name (add1 $i)) -}}
{{- end -}}
{{- if or (ne (toString $k.kty) "EC") (ne (toString $k.crv) "P-256") -}}
{{- fail (printf "%s: key %s must be an EC P-256 JWK (ES256)" $.name $k.kid) -}}
{{- end -}}
{{- end -}}
{{- $list | toJson -}}
{{- end -}}

{{/* Fail early on values that cannot work. */}}
{{- define "tessera.validate" -}}
{{- $root := . -}}
{{- $v := .Values -}}
{{- $s := $v.secrets -}}
{{- $enabled := include "tessera.enabledServices" . | fromJsonArray -}}
{{- if not (has $v.role (list "hub" "store-node" "all")) -}}
{{- fail (printf "role must be hub, store-node or all (got %q)" $v.role) -}}
{{- end -}}
{{- if and (eq $v.role "store-node") (has "privacy" $enabled) (not $v.hub.federationAddress) -}}
{{- fail "role=store-node needs hub.federationAddress (host:port of the hub federation's node port, grpc-node)" -}}
{{- end -}}
{{- if and (eq $v.role "store-node") (has "gateway" $enabled) (not $v.hub.gatewayUrl) -}}
{{- fail "role=store-node needs hub.gatewayUrl (HUB_URL: https URL of the hub gateway's node front, its node-api port)" -}}
{{- end -}}
{{- if and $v.hub.gatewayUrl (not (regexMatch "^https://[^/:]+(:[0-9]+)?/?$" $v.hub.gatewayUrl)) -}}
{{- fail (printf "hub.gatewayUrl must be an https URL of the hub gateway's node front, e.g. https://hub.example.com:8443 (got %q)" $v.hub.gatewayUrl) -}}
{{- end -}}
{{- with $v.config.kafka.namespace -}}
{{- if not (regexMatch "^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$" (toString .)) -}}
{{- fail (printf "config.kafka.namespace must be 1-64 letters, digits, _ or - (it prefixes every Kafka topic and consumer group; got %q)" (toString .)) -}}
{{- end -}}
{{- end -}}
{{- range $k := list "federationAddress" "federationApiAddress" -}}
{{- $a := index $v.hub $k -}}
{{- if and $a (not (regexMatch "^[A-Za-z0-9.-]+:[0-9]+$" $a)) -}}
{{- fail (printf "hub.%s must be host:port (got %q)" $k $a) -}}
{{- end -}}
{{- end -}}
{{- /* Keys removed in 0.4.0: each port is declared once, in services.<name>.ports. */ -}}
{{- range $svcName, $svc := $v.services -}}
{{- range $old := list "httpPort" "grpcPort" "nodeGrpcPort" -}}
{{- if hasKey $svc $old -}}
{{- fail (printf "services.%s.%s was removed in chart 0.4.0: set services.%s.ports (http, grpc, grpc-node, node-api) instead" $svcName $old $svcName) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- if hasKey $v.services.gateway "storeNodeAddresses" -}}
{{- fail "services.gateway.storeNodeAddresses was removed in chart 0.4.0: the hub's gateway never dials a store node (each store node runs its own gateway, role=store-node)" -}}
{{- end -}}
{{- if hasKey $v.mtls "enabled" -}}
{{- fail "mtls.enabled was replaced in chart 0.4.0 by mtls.mode (empty: mtls for role=hub and role=store-node, plaintext for role=all)" -}}
{{- end -}}
{{- range $old := list "port" "federationApiPort" "gatewayPeers" -}}
{{- if hasKey $v.networkPolicy.hub $old -}}
{{- fail (printf "networkPolicy.hub.%s was removed in chart 0.4.0: egress to the hub uses the ports of the hub.* addresses, and the hub's gateway no longer dials store nodes" $old) -}}
{{- end -}}
{{- end -}}
{{- /* Keys removed in 0.5.0: the hub never dials into a store node; each store node runs its own scheduler. */ -}}
{{- if hasKey $v.services.scheduler "miningAddress" -}}
{{- fail "services.scheduler.miningAddress was removed in chart 0.5.0: the hub's scheduler no longer dials a store's mining; each store-node release runs its own scheduler (SCHEDULER_ROLE=store-node) with the release's mining (docs/deployment.md, Upgrading from 0.4.x)" -}}
{{- end -}}
{{- if hasKey $v.networkPolicy.hub "schedulerPeers" -}}
{{- fail "networkPolicy.hub.schedulerPeers was removed in chart 0.5.0: nothing of the hub reaches a store node's mining any more (the store node's own scheduler starts its mining jobs, inside the release)" -}}
{{- end -}}
{{- if hasKey $v.networkPolicy "federationFrom" -}}
{{- fail "networkPolicy.federationFrom was renamed in chart 0.4.0 to networkPolicy.nodeFrom (the gateway's node-api and federation's grpc-node ports)" -}}
{{- end -}}
{{- $portVars := include "tessera.portVariables" . | fromJson -}}
{{- range $svcName, $required := (include "tessera.requiredPorts" . | fromJson) -}}
{{- $ports := (index $v.services $svcName).ports | default dict -}}
{{- range $r := $required -}}
{{- if not (hasKey $ports $r) -}}
{{- fail (printf "services.%s.ports.%s is required" $svcName $r) -}}
{{- end -}}
{{- end -}}
{{- $seen := dict -}}
{{- range $pn, $port := $ports -}}
{{- if not (has $pn $required) -}}
{{- fail (printf "services.%s.ports.%s: %s listens on no such port (its ports: %s)" $svcName $pn $svcName (join ", " $required)) -}}
{{- end -}}
{{- if or (not (regexMatch "^[0-9]+$" (toString $port))) (lt (int $port) 1) (gt (int $port) 65535) -}}
{{- fail (printf "services.%s.ports.%s must be a port number 1-65535 (got %v)" $svcName $pn $port) -}}
{{- end -}}
{{- if hasKey $seen (toString $port) -}}
{{- fail (printf "services.%s.ports: %s and %s are both %v" $svcName (index $seen (toString $port)) $pn $port) -}}
{{- end -}}
{{- $_ := set $seen (toString $port) $pn -}}
{{- end -}}
{{- end -}}
{{- if has "ingestion" $enabled -}}
{{- $os := $v.services.ingestion.objectStorage -}}
{{- if not (regexMatch "^https?://[^/]+" (toString $os.endpoint)) -}}
{{- fail (printf "services.ingestion.objectStorage.endpoint (S3_ENDPOINT) must be the http(s) URL of the store node's object storage, e.g. http://minio.store-data.svc:9000 (got %q)" (toString $os.endpoint)) -}}
{{- end -}}
{{- if not $os.bucket -}}
{{- fail "services.ingestion.objectStorage.bucket (S3_BUCKET) is required" -}}
{{- end -}}
{{- if lt (int $os.fileRetentionDays) 0 -}}
{{- fail "services.ingestion.objectStorage.fileRetentionDays must be 0 (keep forever) or more" -}}
{{- end -}}
{{- end -}}
{{- if or $v.hub.authAddress $v.hub.insightsAddress -}}
{{- fail "hub.authAddress and hub.insightsAddress were removed in chart 0.2.0: no store-node service reads AUTH_GRPC_URL or INSIGHTS_GRPC_URL" -}}
{{- end -}}
{{- $storeIds := include "tessera.storeIds" . | fromJsonArray -}}
{{- if and (eq $v.role "store-node") (or (has "privacy" $enabled) (has "scheduler" $enabled)) (not $storeIds) -}}
{{- fail "role=store-node needs services.privacy.federation.storeIds (FEDERATION_STORE_IDS of privacy, NODE_STORE_IDS of the gateway and the scheduler: the stores this node serves)" -}}
{{- end -}}
{{- if and (eq $v.role "store-node") $v.services.privacy.federation.autoEnrol (not $v.hub.federationApiAddress) -}}
{{- fail "services.privacy.federation.autoEnrol on a store node needs hub.federationApiAddress (FEDERATION_AUTO_ENROL_URL: the hub's coordinator API enrols the stores)" -}}
{{- end -}}
{{- range $storeIds -}}
{{- if not (regexMatch "^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$" (toString .)) -}}
{{- fail (printf "services.privacy.federation.storeIds: %q is not a store id (letters, digits, _ . -; at most 64)" (toString .)) -}}
{{- end -}}
{{- end -}}
{{- if and $s.customerHashKey (lt (len $s.customerHashKey) 32) -}}
{{- fail "secrets.customerHashKey must be at least 32 characters" -}}
{{- end -}}
{{- if not (has $v.config.logLevel (list "trace" "debug" "info" "warn" "error" "fatal" "silent")) -}}
{{- fail (printf "config.logLevel must be trace, debug, info, warn, error, fatal or silent (got %q)" $v.config.logLevel) -}}
{{- end -}}
{{- if not (has $v.config.otel.exporter (list "none" "console" "otlp")) -}}
{{- fail (printf "config.otel.exporter must be none, console or otlp (got %q)" $v.config.otel.exporter) -}}
{{- end -}}
{{- if and (eq $v.config.otel.exporter "otlp") (not $v.config.otel.otlpEndpoint) -}}
{{- fail "config.otel.exporter=otlp needs config.otel.otlpEndpoint" -}}
{{- end -}}
{{- if ne $v.config.bus.driver "kafka" -}}
{{- fail (printf "config.bus.driver must be kafka (got %q): `tessera serve` refuses the in-process bus" $v.config.bus.driver) -}}
{{- end -}}
{{- range $name := $enabled -}}
{{- $schema := include "tessera.databaseSchema" (dict "root" $root "name" $name) -}}
{{- if and $schema (ne $name "gateway") (not (regexMatch "^[a-z_][a-z0-9_]{0,62}$" $schema)) -}}
{{- fail (printf "DATABASE_SCHEMA of %s would be %q: it must be a lower-case Postgres identifier (a-z, 0-9, _; at most 63)" $name $schema) -}}
{{- end -}}
{{- end -}}
{{- if not (has (toString $v.mtls.mode) (list "" "mtls" "plaintext")) -}}
{{- fail (printf "mtls.mode must be mtls, plaintext or empty (got %q)" (toString $v.mtls.mode)) -}}
{{- end -}}
{{- range $name := $enabled -}}
{{- with include "tessera.nodeTls" (dict "root" $root "name" $name) -}}
{{- with fromJson . -}}
{{- if and (eq .mode "mtls") (not .secret) -}}
{{- fail (printf "mTLS on the %s side (mtls.mode %s for role=%s) needs mtls.%s: the Secret with tls.crt, tls.key and ca.crt (`tessera admin %s`, docs/deployment.md), or mtls.mode=plaintext for local development" .side (ternary "mtls" "empty" (eq (toString $v.mtls.mode) "mtls")) $v.role (ternary "serverCertSecretName" "clientCertSecretName" (eq .side "hub")) (ternary "hub-cert --host <hub hosts>" "node-cert --store <id>" (eq .side "hub"))) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- if and $s.redisUrlFromSecret (not $s.existingSecret) (not $s.redisUrl) -}}
{{- fail "secrets.redisUrlFromSecret needs secrets.redisUrl or secrets.existingSecret" -}}
{{- end -}}
{{- if regexMatch "^rediss?://[^/@]*:[^/@]*@" $v.config.redis.url -}}
{{- fail "config.redis.url holds a password: put the URL in the Secret instead (secrets.redisUrl or secrets.existingSecret, with secrets.redisUrlFromSecret=true)" -}}
{{- end -}}
{{- if has "gateway" $enabled -}}
{{- $g := $v.services.gateway -}}
{{- if not (has $g.rateLimit.driver (list "redis" "memory")) -}}
{{- fail (printf "services.gateway.rateLimit.driver must be redis or memory (got %q)" $g.rateLimit.driver) -}}
{{- end -}}
{{- $as := include "tessera.merged" (dict "root" $root "name" "gateway" "key" "autoscaling") | fromJson -}}
{{- if and (eq $g.rateLimit.driver "memory") (or $as.enabled (gt (int $g.replicaCount) 1)) -}}
{{- fail "services.gateway.rateLimit.driver=memory counts in one process only: use redis with more than one gateway replica or autoscaling" -}}
{{- end -}}
{{- end -}}
{{- if $v.ingress.enabled -}}
{{- range $v.ingress.hosts -}}
{{- range (include "tessera.ingressPaths" . | fromJsonArray) -}}
{{- $path := toString .path -}}
{{- if not (or (eq $path "/api") (hasPrefix "/api/" $path)) -}}
{{- fail (printf "ingress path %q would expose more than the REST API (such as /metrics and /health): route only /api or paths under /api/" $path) -}}
{{- end -}}
{{- if not (has (.pathType | default "Prefix") (list "Prefix" "Exact")) -}}
{{- fail (printf "ingress path %q: pathType must be Prefix or Exact (got %q)" $path .pathType) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- /* The chart-created Secret must hold every key a running service requires. */ -}}
{{- if include "tessera.createSecret" . -}}
{{- $db := list "auth" "federation" "insights" "scheduler" "ingestion" "mining" "privacy" -}}
{{- $needsDb := false -}}
{{- range $db -}}{{- if has . $enabled -}}{{- $needsDb = true -}}{{- end -}}{{- end -}}
{{- if and $needsDb (not $s.databaseUrl) -}}
{{- fail "secrets.databaseUrl is required when the chart creates the Secret (or name your own with secrets.existingSecret)" -}}
{{- end -}}
{{- if and (has "ingestion" $enabled) (not $s.customerHashKey) -}}
{{- fail "secrets.customerHashKey is required for ingestion when the chart creates the Secret (or name your own with secrets.existingSecret)" -}}
{{- end -}}
{{- if and (has "ingestion" $enabled) (or (not $s.s3AccessKey) (not $s.s3SecretKey)) -}}
{{- fail "secrets.s3AccessKey and secrets.s3SecretKey are required for ingestion when the chart creates the Secret (S3_ACCESS_KEY, S3_SECRET_KEY of the store node's bucket), or name your own with secrets.existingSecret" -}}
{{- end -}}
{{- if and $s.jwtExistingSecret (or $s.jwtSigningKeys $s.jwtVerifyKeys) -}}
{{- fail "give the JWT keys either as values (secrets.jwtSigningKeys, secrets.jwtVerifyKeys) or in secrets.jwtExistingSecret, not both" -}}
{{- end -}}
{{- if not $s.jwtExistingSecret -}}
{{- if and (has "auth" $enabled) (not $s.jwtSigningKeys) -}}
{{- fail "secrets.jwtSigningKeys is required for auth when the chart creates the Secret (JWT_SIGNING_KEYS; `npx tessera admin signing-key` prints a pair), or set secrets.jwtExistingSecret" -}}
{{- end -}}
{{- if and (has "gateway" $enabled) (ne $v.role "store-node") (not $s.jwtVerifyKeys) -}}
{{- fail "secrets.jwtVerifyKeys is required for the gateway when the chart creates the Secret (JWT_VERIFY_KEYS: the public half of JWT_SIGNING_KEYS), or set secrets.jwtExistingSecret" -}}
{{- end -}}
{{- end -}}
{{- if ne (empty $s.bootstrapAdminEmail) (empty $s.bootstrapAdminPassword) -}}
{{- fail "secrets.bootstrapAdminEmail and secrets.bootstrapAdminPassword go together" -}}
{{- end -}}
{{- end -}}
{{- /* JWT keys given as values: well formed, private/public where expected, and the gateway can verify what auth signs. */ -}}
{{- if $s.jwtSigningKeys -}}
{{- $signing := include "tessera.parseJwks" (dict "value" $s.jwtSigningKeys "name" "secrets.jwtSigningKeys") | fromJsonArray -}}
{{- range $signing -}}
{{- if not .d -}}
{{- fail (printf "secrets.jwtSigningKeys: key %s is a public key (no \"d\"); auth needs the private JWKs" .kid) -}}
{{- end -}}
{{- end -}}
{{- if $s.jwtVerifyKeys -}}
{{- $verify := include "tessera.parseJwks" (dict "value" $s.jwtVerifyKeys "name" "secrets.jwtVerifyKeys") | fromJsonArray -}}
{{- $kids := list -}}
{{- range $verify -}}
{{- if hasKey . "d" -}}
{{- fail (printf "secrets.jwtVerifyKeys: key %s holds a private key (\"d\"); the gateway needs only the public half" .kid) -}}
{{- end -}}
{{- $kids = append $kids .kid -}}
{{- end -}}
{{- $active := (first $signing).kid -}}
{{- if not (has $active $kids) -}}
{{- fail (printf "secrets.jwtVerifyKeys has no key with kid %q, the key auth signs with (the first of secrets.jwtSigningKeys): the gateway would refuse every token" $active) -}}
{{- end -}}
{{- end -}}
{{- else if $s.jwtVerifyKeys -}}
{{- $_ := include "tessera.parseJwks" (dict "value" $s.jwtVerifyKeys "name" "secrets.jwtVerifyKeys") -}}
{{- end -}}
{{- end -}}

{{/*
Environment of one service's container: exactly the variables its config definition
(services/<name>/src/<name>.config.ts) reads; sensitive ones from a Secret.
dict "root" $ "name" svc
*/}}
{{- define "tessera.env" -}}
{{- $root := .root -}}
{{- $v := $root.Values -}}
{{- $name := .name -}}
{{- $svc := index $v.services $name -}}
{{- $secretName := include "tessera.secretName" $root -}}
{{- $jwtSecretName := include "tessera.jwtSecretName" $root -}}
{{- $keys := $v.secrets.keys -}}
{{- $usesDatabase := ne $name "gateway" -}}
{{- $usesBus := ne $name "gateway" -}}
{{- $portVars := include "tessera.portVariables" $root | fromJson }}
{{- $ports := include "tessera.ports" . | fromJson }}
{{- range $portName := include "tessera.portNames" . | fromJsonArray }}
- name: {{ index $portVars $portName }}
  value: {{ index $ports $portName | int | quote }}
{{- end }}
{{- if and (eq $name "gateway") (ne $v.role "store-node") (not (hasKey $ports "node-api")) }}
- name: NODE_API_PORT
  value: "0"
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
{{- if $usesDatabase }}
{{ include "tessera.secretEnv" (dict "env" "DATABASE_URL" "secret" $secretName "key" $keys.databaseUrl) }}
- name: DATABASE_POOL_SIZE
  value: {{ $v.config.database.poolSize | quote }}
{{- with include "tessera.databaseSchema" . }}
- name: DATABASE_SCHEMA
  value: {{ . | quote }}
{{- end }}
{{- end }}
{{- if $usesBus }}
- name: BUS_DRIVER
  value: {{ $v.config.bus.driver | quote }}
- name: KAFKA_BROKERS
  value: {{ join "," $v.config.kafka.brokers | quote }}
{{- with $v.config.kafka.namespace }}
- name: BUS_NAMESPACE
  value: {{ . | quote }}
{{- end }}
{{- end }}
{{- /* Service-to-service addresses (tessera.dials: the in-release Services' declared ports, or the hub's). */}}
{{- $dials := include "tessera.dials" . | fromJson }}
{{- range $k := keys $dials | sortAlpha }}
- name: {{ $k }}
  value: {{ index $dials $k | quote }}
{{- end }}
{{- if eq $name "gateway" }}
{{- $g := $svc }}
- name: GATEWAY_ROLE
  value: {{ $v.role | quote }}
{{- if eq $v.role "store-node" }}
- name: NODE_STORE_IDS
  value: {{ join "," (include "tessera.storeIds" $root | fromJsonArray) | quote }}
- name: HUB_KEYS_CACHE_FILE
  value: {{ printf "%s/hub-keys.json" $g.hubKeysCache.mountPath | quote }}
{{- else }}
{{ include "tessera.secretEnv" (dict "env" "JWT_VERIFY_KEYS" "secret" $jwtSecretName "key" $keys.jwtVerifyKeys) }}
{{- end }}
- name: JWT_ISSUER
  value: {{ $v.config.jwt.issuer | quote }}
- name: JWT_AUDIENCE
  value: {{ $v.config.jwt.audience | quote }}
- name: JWT_MAX_LIFETIME_SECONDS
  value: {{ $g.jwtMaxLifetimeSeconds | int64 | quote }}
- name: PRINCIPAL_CACHE_TTL_MS
  value: {{ $g.principalCacheTtlMs | int64 | quote }}
{{- if ne $v.role "hub" }}
- name: MAX_UPLOAD_BYTES
  value: {{ $g.maxUploadBytes | int64 | quote }}
{{- end }}
- name: JSON_BODY_LIMIT
  value: {{ $g.jsonBodyLimit | quote }}
- name: JSON_MAX_DEPTH
  value: {{ $g.jsonMaxDepth | int64 | quote }}
- name: CORS_ORIGINS
  value: {{ join "," $g.corsOrigins | quote }}
{{- with include "tessera.trustProxy" $root }}
- name: TRUST_PROXY
  value: {{ . | quote }}
{{- end }}
- name: RATE_LIMIT_DRIVER
  value: {{ $g.rateLimit.driver | quote }}
{{- if eq $g.rateLimit.driver "redis" }}
{{- if $v.secrets.redisUrlFromSecret }}
{{ include "tessera.secretEnv" (dict "env" "REDIS_URL" "secret" $secretName "key" $keys.redisUrl) }}
{{- else }}
- name: REDIS_URL
  value: {{ $v.config.redis.url | quote }}
{{- end }}
{{- end }}
- name: RATE_LIMIT_PREFIX
  value: {{ $g.rateLimit.prefix | quote }}
- name: RATE_LIMIT_WINDOW_SECONDS
  value: {{ $g.rateLimit.windowSeconds | int64 | quote }}
- name: RATE_LIMIT_PER_IP
  value: {{ $g.rateLimit.perIp | int64 | quote }}
- name: RATE_LIMIT_PER_USER
  value: {{ $g.rateLimit.perUser | int64 | quote }}
- name: RATE_LIMIT_PER_API_KEY
  value: {{ $g.rateLimit.perApiKey | int64 | quote }}
- name: CIRCUIT_ERROR_PERCENT
  value: {{ $g.circuit.errorPercent | int64 | quote }}
- name: CIRCUIT_MIN_CALLS
  value: {{ $g.circuit.minCalls | int64 | quote }}
- name: CIRCUIT_RESET_SECONDS
  value: {{ $g.circuit.resetSeconds | int64 | quote }}
{{ include "tessera.secretEnv" (dict "env" "METRICS_TOKEN" "secret" $secretName "key" $keys.metricsToken "optional" true) }}
{{- end }}
{{- if eq $name "auth" }}
{{ include "tessera.secretEnv" (dict "env" "JWT_SIGNING_KEYS" "secret" $jwtSecretName "key" $keys.jwtSigningKeys) }}
- name: JWT_ISSUER
  value: {{ $v.config.jwt.issuer | quote }}
- name: JWT_AUDIENCE
  value: {{ $v.config.jwt.audience | quote }}
- name: ACCESS_TOKEN_TTL_SECONDS
  value: {{ $svc.accessTokenTtlSeconds | int64 | quote }}
- name: REFRESH_TOKEN_TTL_SECONDS
  value: {{ $svc.refreshTokenTtlSeconds | int64 | quote }}
- name: SESSION_MAX_SECONDS
  value: {{ $svc.sessionMaxSeconds | int64 | quote }}
- name: LOCKOUT_THRESHOLD
  value: {{ $svc.lockout.threshold | int64 | quote }}
- name: LOCKOUT_BASE_SECONDS
  value: {{ $svc.lockout.baseSeconds | int64 | quote }}
- name: LOCKOUT_MAX_SECONDS
  value: {{ $svc.lockout.maxSeconds | int64 | quote }}
- name: PASSWORD_MIN_LENGTH
  value: {{ $svc.passwordMinLength | int64 | quote }}
- name: SCRYPT_COST
  value: {{ $svc.scryptCost | int64 | quote }}
- name: RETENTION_SWEEPS_ENABLED
  value: {{ $svc.retention.sweepsEnabled | toString | quote }}
- name: AUDIT_RETENTION_MIN_DAYS
  value: {{ $svc.retention.auditMinDays | int64 | quote }}
{{ include "tessera.secretEnv" (dict "env" "BOOTSTRAP_ADMIN_EMAIL" "secret" $secretName "key" $keys.bootstrapAdminEmail "optional" true) }}
{{ include "tessera.secretEnv" (dict "env" "BOOTSTRAP_ADMIN_PASSWORD" "secret" $secretName "key" $keys.bootstrapAdminPassword "optional" true) }}
{{- end }}
{{- if eq $name "ingestion" }}
{{ include "tessera.secretEnv" (dict "env" "CUSTOMER_HASH_KEY" "secret" $secretName "key" $keys.customerHashKey) }}
- name: MAX_UPLOAD_BYTES
  value: {{ $svc.maxUploadBytes | int64 | quote }}
- name: S3_ENDPOINT
  value: {{ $svc.objectStorage.endpoint | quote }}
- name: S3_REGION
  value: {{ $svc.objectStorage.region | quote }}
- name: S3_BUCKET
  value: {{ $svc.objectStorage.bucket | quote }}
- name: S3_PATH_STYLE
  value: {{ $svc.objectStorage.pathStyle | toString | quote }}
- name: FILE_RETENTION_DAYS
  value: {{ $svc.objectStorage.fileRetentionDays | int64 | quote }}
{{ include "tessera.secretEnv" (dict "env" "S3_ACCESS_KEY" "secret" $secretName "key" $keys.s3AccessKey "optional" true) }}
{{ include "tessera.secretEnv" (dict "env" "S3_SECRET_KEY" "secret" $secretName "key" $keys.s3SecretKey "optional" true) }}
{{- end }}
{{- if eq $name "mining" }}
- name: MINING_THREADS
  value: {{ $svc.threads | int64 | quote }}
- name: MAX_CONCURRENT_JOBS
  value: {{ $svc.maxConcurrentJobs | int64 | quote }}
- name: MAX_PATTERNS_STORED
  value: {{ $svc.maxPatternsStored | int64 | quote }}
- name: MINING_MAX_ITEMSETS
  value: {{ $svc.limits.maxItemsets | int64 | quote }}
- name: MINING_MAX_ITEMSET_ITEMS
  value: {{ $svc.limits.maxItemsetItems | int64 | quote }}
- name: MINING_MEMORY_BUDGET_MB
  value: {{ $svc.limits.memoryBudgetMb | int64 | quote }}
- name: MINING_WORKER_MAX_OLD_GENERATION_MB
  value: {{ $svc.limits.workerMaxOldGenerationMb | int64 | quote }}
- name: MINING_THREAD_NICENESS
  value: {{ $svc.limits.threadNiceness | int64 | quote }}
{{- end }}
{{- if eq $name "federation" }}
- name: RETENTION_SWEEPS_ENABLED
  value: {{ $svc.retention.sweepsEnabled | toString | quote }}
{{- end }}
{{- if eq $name "insights" }}
- name: INSIGHTS_ROLE
  value: {{ include "tessera.insightsRole" $root | quote }}
- name: INSIGHTS_TOP_ITEMS
  value: {{ $svc.topItems | int64 | quote }}
- name: INSIGHTS_REFRESH_DEBOUNCE_MS
  value: {{ $svc.refreshDebounceMs | int64 | quote }}
- name: INSIGHTS_LEAD_TIME_DAYS
  value: {{ $svc.leadTimeDays | int64 | quote }}
- name: INSIGHTS_SERVICE_LEVEL
  value: {{ $svc.serviceLevel | toString | quote }}
{{- end }}
{{- if eq $name "scheduler" }}
{{- /* The variables of schedulerRoleConfigs[SCHEDULER_ROLE] (services/scheduler/src/scheduler.config.ts):
       the hub's round, refresh and audit/round-artefact retention work; a store node's mining,
       erasure and raw-data retention for its own stores; all of them with role=all. */}}
{{- $role := include "tessera.schedulerRole" $root }}
- name: SCHEDULER_ROLE
  value: {{ $role | quote }}
- name: BOSS_SCHEMA
  value: {{ include "tessera.bossSchema" $root | quote }}
- name: TICK_SECONDS
  value: {{ $svc.tickSeconds | int64 | quote }}
- name: RUN_EXPIRE_SECONDS
  value: {{ $svc.runs.expireSeconds | int64 | quote }}
- name: RUN_RETRY_LIMIT
  value: {{ $svc.runs.retryLimit | int64 | quote }}
- name: RUN_RETRY_DELAY_SECONDS
  value: {{ $svc.runs.retryDelaySeconds | int64 | quote }}
- name: MAINTENANCE_SECONDS
  value: {{ $svc.maintenanceSeconds | int64 | quote }}
- name: POLLING_SECONDS
  value: {{ $svc.pollingSeconds | int64 | quote }}
{{- if eq $role "store-node" }}
- name: NODE_STORE_IDS
  value: {{ join "," (include "tessera.storeIds" $root | fromJsonArray) | quote }}
{{- end }}
{{- if ne $role "hub" }}
{{ include "tessera.secretEnv" (dict "env" "CUSTOMER_HASH_KEY" "secret" $secretName "key" $keys.customerHashKey "optional" true) }}
- name: ERASURE_DEADLINE_DAYS
  value: {{ $svc.erasure.deadlineDays | int64 | quote }}
- name: ERASURE_SERVICES
  value: {{ join "," $svc.erasure.services | quote }}
- name: RETENTION_RAW_TRANSACTIONS_DAYS
  value: {{ $svc.retention.rawTransactionsDays | int64 | quote }}
- name: RETENTION_UPLOADED_FILES_DAYS
  value: {{ $svc.retention.uploadedFilesDays | int64 | quote }}
{{- end }}
{{- if ne $role "store-node" }}
- name: RETENTION_AUDIT_DAYS
  value: {{ $svc.retention.auditDays | int64 | quote }}
- name: RETENTION_ROUND_ARTEFACTS_DAYS
  value: {{ $svc.retention.roundArtefactsDays | int64 | quote }}
{{- end }}
{{- end }}
{{- if eq $name "privacy" }}
- name: DEFAULT_EPSILON_CAP
  value: {{ $svc.defaultEpsilonCap | toString | quote }}
- name: DEFAULT_DELTA
  value: {{ $svc.defaultDelta | toString | quote }}
- name: DEFAULT_ROUND_EPSILON
  value: {{ $svc.defaultRoundEpsilon | toString | quote }}
{{- with include "tessera.storeIds" $root | fromJsonArray }}
- name: FEDERATION_STORE_IDS
  value: {{ join "," . | quote }}
{{- end }}
{{- end }}
{{- with include "tessera.nodeTls" . }}
{{- with fromJson . }}
- name: NODE_TLS_MODE
  value: {{ .mode | quote }}
{{- if .secret }}
- name: NODE_TLS_CA_FILE
  value: {{ printf "%s/ca.crt" $v.mtls.mountPath | quote }}
- name: NODE_TLS_CERT_FILE
  value: {{ printf "%s/tls.crt" $v.mtls.mountPath | quote }}
- name: NODE_TLS_KEY_FILE
  value: {{ printf "%s/tls.key" $v.mtls.mountPath | quote }}
{{- end }}
{{- end }}
{{- end }}
{{- with $v.config.extraEnv }}
{{ toYaml . }}
{{- end }}
{{- with $svc.env }}
{{ toYaml . }}
{{- end }}
{{- end -}}
