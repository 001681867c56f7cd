#pragma once
// The on-screen keyboard's widget: draws the keys the OnScreenKeyboard lays out across the
// bottom of the screen and pushes OskKey. It keeps nothing: shift, layer and fold are the app's.
#include <kiosk/ui/fonts.hpp>
#include <kiosk/ui/intents.hpp>
#include <kiosk/ui/onscreen_keyboard.hpp>

#include <string>
#include <vector>

namespace kiosk::ui {

/// Where a key was drawn (screen pixels): the status file's test hook.
struct KeyRect {
    std::string label;
    float x = 0, y = 0, w = 0, h = 0;
};

struct KeyboardView {
    std::vector<std::vector<KeyCap>> rows;
    bool shift = false;  ///< Shift is on: the letter keys show capitals
    const Fonts* fonts = nullptr;
    float pixelsPerMm = 96.f / 25.4f;
};

/// Height in pixels the keyboard takes at the bottom of a screen `screenHeight` high.
float keyboardHeight(const KeyboardView& v, float screenHeight);
/// Draws it in its own window over the bottom `keyboardHeight` pixels of the main viewport;
/// `placed` receives where each key went.
void drawKeyboard(const KeyboardView& v, IntentSink& sink, std::vector<KeyRect>* placed = nullptr);
/// While the keyboard is not shown: a small keyboard button in the bottom right corner that
/// brings it back (OskKey Fold).
void drawKeyboardButton(const KeyboardView& v, IntentSink& sink, std::vector<KeyRect>* placed = nullptr);

}  // namespace kiosk::ui
