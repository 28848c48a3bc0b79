// Redacted words with their tags (`[CARD_NUMBER]`) shown as chips, so nobody mistakes a tag for what was said.

/** Redaction tags such as `[CARD_NUMBER]`. */
const TAG = /(\[[A-Z][A-Z_]*\])/g;

export function Redacted({ text }: { text: string }) {
  return (
    <>
      {text.split(TAG).map((part, i) =>
        i % 2 === 1 ? (
          <mark key={i} className="st-redacted" title="redacted">
            {part}
          </mark>
        ) : (
          part
        ),
      )}
    </>
  );
}
