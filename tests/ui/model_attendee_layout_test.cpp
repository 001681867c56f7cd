// The public screen's layout with the real fonts, headless: with large text at 1280×720 and a
// long event name, the idle screen's text stays above the status line.
#include <kiosk/ui/attendee_model.hpp>
#include <kiosk/ui/attendee_screen.hpp>
#include <kiosk/ui/font_loader.hpp>
#include <kiosk/ui/strings.hpp>
#include <kiosk/ui/theme.hpp>

#include <doctest/doctest.h>

#include <imgui.h>
#include <vector>

#include <algorithm>
#include <string>

using namespace kiosk;
using namespace kiosk::ui;

namespace {

struct Drawn {
    float columnBottom = 0;  ///< lowest vertex of the left column (idle texts)
    float statusTop = 1e9f;  ///< highest vertex of the status line
};

/// Draws the idle screen twice, without and with the status line: the vertices the second adds
/// at the end of the window's draw list are the status line's.
Drawn drawIdle(const Strings& text, const FontLoader& fonts, bool largeText, const std::string& eventName) {
    AttendeeState st;
    st.eventName = eventName;
    st.kioskLanguage = st.shownLanguage = core::Language::Fr;
    AttendeeView v;
    v.screen = describe(st, text, true, "");
    v.fonts = &fonts.fonts();
    v.largeText = largeText;
    v.languageNames = {"Français", "Nederlands", "English"};
    v.largeTextLabel = "A+";
    v.staffLabel = "Staff";
    const float leftEdge = 1280 * 0.54f;
    IntentSink sink;
    auto frame = [&](const std::string& status) {
        v.statusLine = status;
        ImGui::NewFrame();
        drawAttendee(v, sink);
        ImGui::Render();
        const ImDrawData* dd = ImGui::GetDrawData();
        REQUIRE(dd->CmdListsCount >= 1);
        // The vertices of the one full-screen window. Copied out, not the ImDrawList: copying
        // one copies its empty ImVectors with memcpy(NULL, NULL, 0), undefined (UBSan says so).
        const ImDrawList& list = *dd->CmdLists[0];
        std::vector<ImVec2> pos;
        pos.reserve(static_cast<std::size_t>(list.VtxBuffer.Size));
        for (int i = 0; i < list.VtxBuffer.Size; ++i) pos.push_back(list.VtxBuffer[i].pos);
        return pos;
    };
    const std::vector<ImVec2> without = frame("");
    const std::vector<ImVec2> with =
        frame("kiosk-1  ·  Caméra : active  ·  Pas d’imprimante : badges à l’accueil  ·  pas de son");
    Drawn d;
    for (const ImVec2& p : without)
        if (p.x < leftEdge) d.columnBottom = std::max(d.columnBottom, p.y);
    for (std::size_t i = without.size(); i < with.size(); ++i) d.statusTop = std::min(d.statusTop, with[i].y);
    return d;
}

}  // namespace

TEST_CASE("attendee layout: large text at 1280x720 with a long event name stays above the status line") {
    auto text = Strings::load(KIOSK_ASSETS_DIR);
    REQUIRE(text.ok());
    ImGuiContext* im = ImGui::CreateContext();
    ImGuiIO& io = ImGui::GetIO();
    io.IniFilename = nullptr;
    io.DisplaySize = ImVec2(1280, 720);
    const std::string longName =
        "Civic Tech Summit 2026 — Rencontre européenne des technologies civiques et des données ouvertes";
    for (bool large : {false, true}) {
        INFO("large text " << large);
        FontLoader fonts;
        for (std::string_view t : text->allTexts()) fonts.addText(t);
        fonts.addText(longName);
        REQUIRE(fonts.build(720, large));
        theme::applyStyle(fonts.bodyPx(), 96.f / 25.4f);
        unsigned char* px = nullptr;
        int w = 0, h = 0;
        io.Fonts->GetTexDataAsRGBA32(&px, &w, &h);
        const Drawn d = drawIdle(*text, fonts, large, longName);
        CHECK(d.statusTop < 720);
        CHECK(d.columnBottom <= d.statusTop);
    }
    ImGui::DestroyContext(im);
}
