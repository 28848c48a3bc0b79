// A call's kept audio for an <audio> element: fetched with the staff token (an `src` cannot send it) into an object URL that is revoked when the call closes or changes; and where the element is playing, for the playhead.

import { type RefObject, useEffect, useState } from "react";
import type { StaffApi } from "../../lib/staffApi";

export type CallAudio =
  | { state: "none" }
  | { state: "loading" }
  | { state: "ready"; src: string }
  | { state: "error"; message: string };

/** Loads `path` (the detail's `audio_url`) as an object URL; `none` when the call has no kept audio. */
export function useCallAudio(api: StaffApi, path: string | null): CallAudio {
  const [audio, setAudio] = useState<CallAudio>(path ? { state: "loading" } : { state: "none" });
  useEffect(() => {
    if (!path) {
      setAudio({ state: "none" });
      return;
    }
    const abort = new AbortController();
    let url: string | null = null;
    setAudio({ state: "loading" });
    api
      .callAudio(path, abort.signal)
      .then((blob) => {
        if (abort.signal.aborted) return;
        url = URL.createObjectURL(blob);
        setAudio({ state: "ready", src: url });
      })
      .catch((err: unknown) => {
        if (!abort.signal.aborted) setAudio({ state: "error", message: err instanceof Error ? err.message : String(err) });
      });
    return () => {
      abort.abort();
      if (url) URL.revokeObjectURL(url);
    };
  }, [api, path]);
  return audio;
}

export interface Playback {
  /** The element's `currentTime` (s), every frame while it plays and after each seek. */
  currentS: number;
  /** Its duration (s) once the metadata is in; null before. */
  durationS: number | null;
  playing: boolean;
}

/** Follows the <audio> in `ref` once it has `src`. */
export function usePlayback(ref: RefObject<HTMLAudioElement | null>, src: string | null): Playback {
  const [playback, setPlayback] = useState<Playback>({ currentS: 0, durationS: null, playing: false });
  useEffect(() => {
    const el = ref.current;
    if (!el || !src) {
      setPlayback({ currentS: 0, durationS: null, playing: false });
      return;
    }
    let frame = 0;
    const read = () =>
      setPlayback((p) => {
        const next = {
          currentS: Number.isFinite(el.currentTime) ? el.currentTime : 0,
          durationS: Number.isFinite(el.duration) ? el.duration : null,
          playing: !el.paused && !el.ended,
        };
        return next.currentS === p.currentS && next.durationS === p.durationS && next.playing === p.playing ? p : next;
      });
    const loop = () => {
      read();
      frame = requestAnimationFrame(loop);
    };
    const start = () => {
      cancelAnimationFrame(frame);
      frame = requestAnimationFrame(loop);
    };
    const stop = () => {
      cancelAnimationFrame(frame);
      read();
    };
    const events: [string, () => void][] = [
      ["play", start],
      ["playing", start],
      ["pause", stop],
      ["ended", stop],
      ["seeking", read],
      ["seeked", read],
      ["timeupdate", read],
      ["loadedmetadata", read],
      ["durationchange", read],
    ];
    for (const [name, fn] of events) el.addEventListener(name, fn);
    read();
    if (!el.paused) start();
    return () => {
      cancelAnimationFrame(frame);
      for (const [name, fn] of events) el.removeEventListener(name, fn);
    };
  }, [ref, src]);
  return playback;
}
