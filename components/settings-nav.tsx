"use client";
/**
 * Section navigation of the settings page. Each section has an id, so `/settings#endpoints` links straight to it;
 * because panels load their data after the first paint (and push the target down), the hash target is scrolled
 * into view again while the layout settles. The section in view is marked `aria-current`.
 */
import { useEffect, useState } from "react";

export const SETTINGS_SECTIONS = [
  { id: "members", label: "Members" },
  { id: "endpoints", label: "Endpoints" },
  { id: "prompts", label: "Curation prompts" },
  { id: "share-links", label: "Share links" },
  { id: "account", label: "Account" },
] as const;

export function SettingsNav() {
  const [active, setActive] = useState<string>(SETTINGS_SECTIONS[0].id);

  useEffect(() => {
    const fromHash = () => {
      const id = decodeURIComponent(window.location.hash.slice(1));
      const el = id ? document.getElementById(id) : null;
      if (!el) return;
      setActive(id);
      // Keep the target in view while panels above it load (for up to 3 s or until the reader scrolls).
      let userScrolled = false;
      const stop = () => (userScrolled = true);
      window.addEventListener("wheel", stop, { once: true, passive: true });
      window.addEventListener("keydown", stop, { once: true });
      window.addEventListener("touchstart", stop, { once: true, passive: true });
      el.scrollIntoView({ block: "start" });
      const ro = new ResizeObserver(() => {
        if (!userScrolled) el.scrollIntoView({ block: "start" });
      });
      ro.observe(document.body);
      const t = setTimeout(() => ro.disconnect(), 3000);
      return () => {
        clearTimeout(t);
        ro.disconnect();
        window.removeEventListener("wheel", stop);
        window.removeEventListener("keydown", stop);
        window.removeEventListener("touchstart", stop);
      };
    };
    let cleanup = fromHash();
    const onHash = () => {
      cleanup?.();
      cleanup = fromHash();
    };
    window.addEventListener("hashchange", onHash);

    const io = new IntersectionObserver(
      (entries) => {
        const top = entries.filter((e) => e.isIntersecting).sort((a, b) => a.boundingClientRect.top - b.boundingClientRect.top)[0];
        if (top) setActive(top.target.id);
      },
      { rootMargin: "0px 0px -70% 0px" },
    );
    for (const s of SETTINGS_SECTIONS) {
      const el = document.getElementById(s.id);
      if (el) io.observe(el);
    }
    return () => {
      cleanup?.();
      window.removeEventListener("hashchange", onHash);
      io.disconnect();
    };
  }, []);

  return (
    <nav aria-label="Settings sections" className="lg:sticky lg:top-4" data-testid="settings-nav">
      <ul className="flex flex-wrap gap-1 text-sm lg:flex-col">
        {SETTINGS_SECTIONS.map((s) => (
          <li key={s.id}>
            <a
              href={`#${s.id}`}
              aria-current={active === s.id ? "location" : undefined}
              className={`block rounded-md px-3 py-1.5 ${active === s.id ? "bg-brand-50 font-medium text-brand-700" : "text-zinc-600 hover:bg-zinc-100"}`}
            >
              {s.label}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}
