{{/*
A hook Job running one of the image's scripts. (dict "root" $ "name" n "hook" phases "weight" n
"command" list "env" yamlString "spec" .Values.migrations)
*/}}
{{- define "taskfn.hookJob" -}}
{{- $root := .root -}}
apiVersion: batch/v1
kind: Job
metadata:
  name: {{ .name }}
  labels:
    {{- include "taskfn.labels" $root | nindent 4 }}
    app.kubernetes.io/name: {{ .name }}
  annotations:
    helm.sh/hook: {{ .spec.hook }}
    helm.sh/hook-weight: {{ .weight | quote }}
    # A new run replaces the last one; a failed one stays for `kubectl logs` until the next.
    helm.sh/hook-delete-policy: before-hook-creation,hook-succeeded
spec:
  backoffLimit: {{ .spec.backoffLimit }}
  activeDeadlineSeconds: {{ .spec.activeDeadlineSeconds }}
  ttlSecondsAfterFinished: 3600
  template:
    metadata:
      labels:
        {{- include "taskfn.labels" $root | nindent 8 }}
        app.kubernetes.io/name: {{ .name }}
        {{- with $root.Values.podLabels }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
    spec:
      restartPolicy: Never
      # The namespace's default account: a pre-install hook runs before the release's own exists.
      automountServiceAccountToken: false
      {{- with $root.Values.imagePullSecrets }}
      imagePullSecrets:
        {{- range . }}
        - name: {{ . }}
        {{- end }}
      {{- end }}
      securityContext:
        runAsNonRoot: true
        runAsUser: 1000
        runAsGroup: 1000
        seccompProfile:
          type: RuntimeDefault
      containers:
        - name: {{ .name }}
          image: {{ include "taskfn.image" $root }}
          imagePullPolicy: {{ $root.Values.image.pullPolicy }}
          command:
            {{- toYaml .command | nindent 12 }}
          env:
            {{- .env | nindent 12 }}
          resources:
            {{- toYaml .spec.resources | nindent 12 }}
          securityContext:
            allowPrivilegeEscalation: false
            readOnlyRootFilesystem: true
            capabilities:
              drop: [ALL]
{{- end }}
