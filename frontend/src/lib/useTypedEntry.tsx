// Typing into an AntD date/time picker, made dependable: what was typed is committed on Enter and on blur.
//
// The picker keeps its own draft of the input and, just after the input is focused (its popup opening),
// can reset that draft to the old value — so a value typed and confirmed right away (as a quick typist, or
// a browser test, does) is sometimes dropped. We remember the text from native input events and commit it
// ourselves; a value picked in the popup still arrives through the picker's onChange.
import { useRef, useState, type FormEvent, type KeyboardEvent, type ReactNode } from "react";

export function useTypedEntry<T>(
  parse: (text: string) => T | null,
  commit: (value: T) => void,
  /** Something was typed that `parse` refuses (not called for an emptied field); `null`: what was typed is fine again. */
  onUnreadable?: (text: string | null) => void,
) {
  const [open, setOpen] = useState(false);
  const typed = useRef<string | null>(null);
  const flush = (): boolean => {
    const text = typed.current;
    const value = text === null ? null : parse(text);
    typed.current = null;
    if (value === null) {
      if (text !== null && text.trim() !== "") onUnreadable?.(text);
      return false;
    }
    onUnreadable?.(null);
    commit(value);
    return true;
  };
  return {
    /** On a wrapper element: the picker does not forward onInput to its input. */
    wrapperProps: {
      onInputCapture: (event: FormEvent) => {
        typed.current = (event.target as HTMLInputElement).value;
      },
    },
    pickerProps: {
      open,
      onOpenChange: setOpen,
      onFocus: () => {
        typed.current = null;
      },
      // A click in the popup picks a value: what was typed before no longer counts.
      panelRender: (panel: ReactNode) => (
        <div
          onMouseDown={() => {
            typed.current = null;
          }}
        >
          {panel}
        </div>
      ),
      onKeyDown: (event: KeyboardEvent<HTMLElement>) => {
        if (event.key !== "Enter") return;
        const unreadable = typed.current !== null && typed.current.trim() !== "" && parse(typed.current) === null;
        if (flush() || unreadable) {
          // An unreadable entry keeps its text (so it can be corrected) and says why instead of reverting.
          event.preventDefault();
          setOpen(false);
        }
      },
    },
    /** Call from the picker's onBlur. */
    flush,
    /**
     * Call from the picker's onChange: once the picker itself committed what was typed, nothing is left to
     * flush. (Not on any change: when the picker resets its draft it may re-commit the old value.)
     */
    picked: (value: T | null) => {
      if (typed.current !== null && parse(typed.current) === value) typed.current = null;
      if (value !== null) onUnreadable?.(null);
    },
  };
}
