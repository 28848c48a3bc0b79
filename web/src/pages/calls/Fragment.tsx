// A snippet of a transcript with the matched words marked.

import { highlightPieces } from "../../lib/callSearch";

export function Fragment({ fragment, highlights }: { fragment: string; highlights: [number, number][] }) {
  return (
    <span className="cs-fragment" data-testid="snippet-text">
      {highlightPieces(fragment, highlights).map((p, i) => (p.mark ? <mark key={i}>{p.text}</mark> : <span key={i}>{p.text}</span>))}
    </span>
  );
}
