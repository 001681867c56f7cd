#pragma once
// The public screen (idle, welcome, help desk) and the PIN pad that guards the way out of it.
#include <kiosk/ui/attendee_model.hpp>
#include <kiosk/ui/fonts.hpp>
#include <kiosk/ui/intents.hpp>

#include <imgui.h>

#include <array>
#include <string>

namespace kiosk::ui {

/// Everything the public screen draws besides the PublicScreen texts.
struct AttendeeView {
    PublicScreen screen;
    core::Language language = core::Language::Fr;  ///< highlighted language button
    std::array<std::string, 3> languageNames;      ///< fr, nl, en, each in its own language
    const Fonts* fonts = nullptr;
    float pixelsPerMm = 96.f / 25.4f;
    bool largeText = false;
    std::string largeTextLabel;
    std::string staffLabel;
    // camera preview (null texture: no camera; the scanner text is shown instead)
    void* previewTexture = nullptr;
    int previewWidth = 0;
    int previewHeight = 0;
    bool previewHasCode = false;
    std::array<ImVec2, 4> previewCorners{};
    std::string statusLine;      ///< kiosk name · camera · printer (for the organiser, no personal data)
    bool statusWarning = false;  ///< something needs the organiser now (check-ins not saved): amber
    bool lockdown = true;
};

void drawAttendee(const AttendeeView& view, IntentSink& sink);

struct LockView {
    std::string title;
    std::string prompt;
    std::size_t digits = 0;  ///< shown as dots, never the digits
    std::string message;     ///< "Wrong PIN", "wait 4 s", "Checking…"
    bool messageIsError = false;
    bool busy = false;  ///< a PIN is being verified: the pad is disabled
    std::string cancelLabel;
    std::string enterLabel;
    std::string clearLabel;
    const Fonts* fonts = nullptr;
    float pixelsPerMm = 96.f / 25.4f;
};

void drawLock(const LockView& view, IntentSink& sink);

}  // namespace kiosk::ui
