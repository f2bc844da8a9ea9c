import type { Toasts as ToastStore } from '../toasts.ts';

export function Toasts({ toasts }: { toasts: ToastStore }) {
  return (
    <section class="toasts" aria-label="Notifications" aria-live="polite">
      {toasts.items.value.map((t) => (
        <div key={t.id} class="toast" role="status">
          <span>{t.text}</span>
          {t.action && (
            <button
              type="button"
              onClick={() => {
                toasts.dismiss(t.id);
                void t.action!.run();
              }}
            >
              {t.action.label}
            </button>
          )}
          <button type="button" aria-label="Dismiss" onClick={() => toasts.dismiss(t.id)}>
            ×
          </button>
        </div>
      ))}
    </section>
  );
}
