#pragma once
// The desk's on-screen keyboard, for a help desk on a touch-only machine (issue 9): the state
// the app owns (shown or not, which layer, shift) and what a key press types. No ImGui here: the
// widget (drawKeyboard) draws rows() and pushes PressKey; the shell hands the typed text to the
// text field that had the focus. Shown always (`on`), never (`off`), or — `auto` — until someone
// types on a real keyboard (the PIN included), which tells that the machine has one.
#include <kiosk/ui/intents.hpp>

#include <kiosk/core/types.hpp>
#include <kiosk/ui.hpp>  // KeyboardSetting

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kiosk::ui {

/// What one key of the on-screen keyboard types or does.
struct KeyCap {
    OskKey key;
    std::string label;  ///< what the key shows
    float width = 1.f;  ///< in key widths
};

/// What a press hands to the focused text field.
struct Typed {
    std::string text;  ///< UTF-8, may be empty
    bool backspace = false;
    bool enter = false;
};

class OnScreenKeyboard {
public:
    enum class Layer { Letters, Accents };

    void configure(KeyboardSetting s) { m_setting = s; }
    KeyboardSetting setting() const { return m_setting; }
    /// A key came from a real keyboard: in `auto`, the machine has one, so the keyboard goes.
    void physicalKeyTyped() { m_physical = true; }
    /// Whether the desk draws it now. The volunteer can fold it away and bring it back (Fold:
    /// the small keyboard button the shell draws while it is not shown), also in `auto` after a
    /// real keyboard was used.
    bool shown() const;

    /// The keys of the current layer, row by row; `lang` picks AZERTY (fr) or QWERTY (nl, en).
    /// Labels are UTF-8 in the body font's ranges (font_loader.cpp has ⇧ ⌫ ⏎ ⌨).
    std::vector<std::vector<KeyCap>> rows(core::Language lang) const;
    /// A key was pressed: layer and shift change here; text, Backspace and Enter are returned
    /// for the focused field.
    std::optional<Typed> press(const OskKey& key);

    Layer layer() const { return m_layer; }
    bool shift() const { return m_shift; }

private:
    KeyboardSetting m_setting = KeyboardSetting::Auto;
    bool m_physical = false;
    bool m_folded = false;
    Layer m_layer = Layer::Letters;
    bool m_shift = false;  ///< one capital, then back to small letters
};

}  // namespace kiosk::ui
