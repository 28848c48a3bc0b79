// Links between the staff pages a signed-in person may open, so the improvement loop is a click away from the live pages.

import { permits } from "../lib/staffAuth";

/** Every staff page, with the weakest role that may open it. */
const PAGES = [
  { path: "/agent", label: "Workspace", role: "agent" },
  { path: "/review", label: "Review", role: "agent" },
  { path: "/supervisor", label: "Live calls", role: "supervisor" },
  { path: "/queue", label: "Review queue", role: "supervisor" },
  { path: "/history", label: "Bot history", role: "supervisor" },
  { path: "/calls", label: "Calls", role: "supervisor" },
  { path: "/dashboard", label: "Dashboard", role: "supervisor" },
  { path: "/audit", label: "Audit log", role: "admin" },
] as const;

/** The page's own path without `.html`, so the links also work under `npm run dev`. */
function currentPath(): string {
  return window.location.pathname.replace(/\.html$/, "");
}

export function StaffNav({ role }: { role: string }) {
  const here = currentPath();
  const pages = PAGES.filter((p) => permits(role, p.role));
  return (
    <nav className="st-nav" aria-label="Staff pages" data-testid="staff-nav">
      {pages.map((p) => (
        <a
          key={p.path}
          href={p.path}
          className="st-nav-link"
          data-testid="nav-link"
          data-page={p.path.slice(1)}
          aria-current={p.path === here ? "page" : undefined}
        >
          {p.label}
        </a>
      ))}
    </nav>
  );
}
