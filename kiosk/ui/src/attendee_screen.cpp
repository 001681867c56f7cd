#include <kiosk/ui/attendee_screen.hpp>

#include <kiosk/ui/theme.hpp>

#include <algorithm>

namespace kiosk::ui {
namespace {

// NoBackground: the window covers the screen and the backend clears it to theme::kBackground
// first, so ImGui's full-screen background quad only cost fill rate (llvmpipe blends it on
// the CPU, ~1 million pixels per frame).
constexpr ImGuiWindowFlags kFullscreen = ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove |
                                         ImGuiWindowFlags_NoSavedSettings |
                                         ImGuiWindowFlags_NoBringToFrontOnFocus |
                                         ImGuiWindowFlags_NoScrollWithMouse | ImGuiWindowFlags_NoBackground;

void beginFullscreen(const char* id) {
    const ImGuiViewport* vp = ImGui::GetMainViewport();
    ImGui::SetNextWindowPos(vp->WorkPos);
    ImGui::SetNextWindowSize(vp->WorkSize);
    ImGui::Begin(id, nullptr, kFullscreen);
}

/// Language buttons and the large-text toggle along the top; the staff button at the left.
void drawTopBar(const AttendeeView& v, IntentSink& sink) {
    const float ppmm = v.pixelsPerMm;
    const ImVec2 avail = ImGui::GetContentRegionAvail();
    const ImGuiStyle& style = ImGui::GetStyle();
    const float startY = ImGui::GetCursorPosY();

    ImGui::PushFont(v.fonts ? v.fonts->body : nullptr);
    ImGui::PushStyleColor(ImGuiCol_Button, ImVec4(0.13f, 0.19f, 0.26f, 1.f));
    if (theme::touchButton(v.staffLabel.c_str(), ppmm)) sink.push(RequestStaff{});
    ImGui::SameLine();
    if (theme::touchButton(v.largeTextLabel.c_str(), ppmm, 0, 15.f, v.largeText))
        sink.push(ToggleLargeText{});
    ImGui::PopStyleColor();

    // Right-aligned language buttons, each named in its own language.
    float total = 0;
    const float minPx = 15.f * ppmm;
    for (const auto& n : v.languageNames)
        total += std::max(minPx, ImGui::CalcTextSize(n.c_str()).x + style.FramePadding.x * 2) +
                 style.ItemSpacing.x;
    ImGui::SameLine(
        std::max(ImGui::GetCursorPosX(), ImGui::GetWindowContentRegionMax().x - total + style.ItemSpacing.x));
    const core::Language langs[3] = {core::Language::Fr, core::Language::Nl, core::Language::En};
    for (int i = 0; i < 3; ++i) {
        if (i) ImGui::SameLine();
        ImGui::PushID(i);
        if (theme::touchButton(v.languageNames[i].c_str(), ppmm, 0, 15.f, v.language == langs[i]))
            sink.push(SetLanguage{langs[i]});
        ImGui::PopID();
    }
    ImGui::PopFont();
    (void)avail;
    (void)startY;
}

void drawStatusLine(const AttendeeView& v) {
    if (v.statusLine.empty()) return;
    ImGui::PushFont(v.fonts ? v.fonts->body : nullptr);
    const float h = ImGui::GetTextLineHeight();
    const ImVec2 max = ImGui::GetWindowContentRegionMax();
    const float padX = ImGui::GetStyle().WindowPadding.x;
    // 60 % of the body size; smaller (down to 40 %) when every part is present on a narrow
    // screen, so the line never runs off the edge.
    const float fullWidth = ImGui::CalcTextSize(v.statusLine.c_str()).x;
    const float avail = std::max(1.f, max.x - padX);
    const float scale = std::clamp(avail / std::max(1.f, fullWidth), 0.4f, 0.6f);
    ImGui::SetWindowFontScale(scale);
    ImGui::SetCursorPos({padX, max.y - h * scale});
    ImGui::PushStyleColor(
        ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(v.statusWarning ? theme::kAttention : theme::kMuted));
    ImGui::TextUnformatted(v.statusLine.c_str());
    ImGui::PopStyleColor();
    ImGui::SetWindowFontScale(1.f);
    ImGui::PopFont();
}

void drawPreview(const AttendeeView& v, ImVec2 min, ImVec2 max) {
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const float w = max.x - min.x, h = max.y - min.y;
    dl->AddRectFilled(min, max, theme::kPanel, h * 0.03f);
    if (v.previewTexture && v.previewWidth > 0 && v.previewHeight > 0) {
        // Fit, keep aspect. The service already mirrored the image (people expect a mirror).
        const float s = std::min(w / v.previewWidth, h / v.previewHeight);
        const ImVec2 size{v.previewWidth * s, v.previewHeight * s};
        const ImVec2 a{min.x + (w - size.x) * 0.5f, min.y + (h - size.y) * 0.5f};
        const ImVec2 b{a.x + size.x, a.y + size.y};
        dl->AddImage(reinterpret_cast<ImTextureID>(v.previewTexture), a, b);
        // Target frame: a centred square a code should fill.
        const float side = std::min(size.x, size.y) * 0.62f;
        const ImVec2 c{(a.x + b.x) * 0.5f, (a.y + b.y) * 0.5f};
        const ImU32 col = v.previewHasCode ? theme::kSuccess : theme::kText;
        theme::drawTargetFrame(dl, {c.x - side / 2, c.y - side / 2}, {c.x + side / 2, c.y + side / 2}, col,
                               std::max(3.f, side * 0.025f));
        if (v.previewHasCode) {
            ImVec2 q[4];
            for (int i = 0; i < 4; ++i)
                q[i] = {a.x + v.previewCorners[i].x * s, a.y + v.previewCorners[i].y * s};
            dl->AddPolyline(q, 4, theme::kSuccess, ImDrawFlags_Closed, std::max(2.f, side * 0.015f));
        }
        return;
    }
    // No camera: a drawn scanner and a QR-like target so the eye still knows where to go.
    const ImVec2 c{(min.x + max.x) * 0.5f, (min.y + max.y) * 0.5f};
    const float side = std::min(w, h) * 0.5f;
    theme::drawTargetFrame(dl, {c.x - side / 2, c.y - side / 2}, {c.x + side / 2, c.y + side / 2},
                           theme::kText, std::max(3.f, side * 0.04f));
    const float cell = side / 7.f;
    for (int y = 0; y < 5; ++y)
        for (int x = 0; x < 5; ++x) {
            // A fixed, finder-like pattern: three corner squares and a few modules.
            const bool finder = (x < 2 && y < 2) || (x > 2 && y < 2) || (x < 2 && y > 2);
            const bool dot = ((x * 7 + y * 3) % 4) == 0;
            if (finder || dot)
                dl->AddRectFilled({c.x - side / 2 + cell * (x + 1), c.y - side / 2 + cell * (y + 1)},
                                  {c.x - side / 2 + cell * (x + 1.85f), c.y - side / 2 + cell * (y + 1.85f)},
                                  theme::kMuted);
        }
}

/// Height of the idle screen's left column at font scale `s` (wrapped at `wrapW` pixels).
float idleColumnHeight(const AttendeeView& v, float wrapW, float gap, float s) {
    const PublicScreen& p = v.screen;
    const ImGuiStyle& st = ImGui::GetStyle();
    float h = 0;
    auto add = [&](ImFont* f, const std::string& t) {
        ImGui::PushFont(f);
        // At scale s the text wraps as the unscaled text would at wrapW / s.
        h += ImGui::CalcTextSize(t.c_str(), nullptr, false, wrapW / s).y * s + st.ItemSpacing.y;
        ImGui::PopFont();
    };
    ImFont* body = v.fonts ? v.fonts->body : nullptr;
    add(body, p.word);
    add(body, p.title);
    add(v.fonts ? v.fonts->title : nullptr, p.instruction);
    for (const auto& other : p.otherLanguages) add(body, other);
    add(body, p.hint);
    if (!p.headline.empty()) add(body, p.headline);
    return h + 4 * (gap * 0.5f + st.ItemSpacing.y);
}

void drawIdle(const AttendeeView& v, ImVec2 origin, ImVec2 size) {
    const PublicScreen& p = v.screen;
    const float gap = size.y * 0.04f;
    const float leftW = size.x * 0.54f;
    // Large text, a long event name, a small screen: the column shrinks until it fits above the
    // status line instead of running into it (never below 55 % of its size).
    float scale = 1.f;
    while (scale > 0.55f && idleColumnHeight(v, leftW, gap, scale) > size.y - gap) scale -= 0.05f;
    // Left column: welcome, event, instruction (kiosk language), then the other two languages.
    ImGui::SetCursorScreenPos({origin.x, origin.y + gap});
    ImGui::SetWindowFontScale(scale);
    ImGui::BeginGroup();
    ImGui::PushTextWrapPos(origin.x + leftW - ImGui::GetWindowPos().x);
    ImGui::PushFont(v.fonts ? v.fonts->body : nullptr);
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(theme::kAccent));
    ImGui::TextUnformatted(p.word.c_str());
    ImGui::PopStyleColor();
    ImGui::TextUnformatted(p.title.c_str());
    ImGui::PopFont();
    ImGui::Dummy({1, gap * 0.5f});
    ImGui::PushFont(v.fonts ? v.fonts->title : nullptr);
    ImGui::TextUnformatted(p.instruction.c_str());
    ImGui::PopFont();
    ImGui::Dummy({1, gap * 0.5f});
    ImGui::PushFont(v.fonts ? v.fonts->body : nullptr);
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(theme::kMuted));
    for (const auto& other : p.otherLanguages) ImGui::TextUnformatted(other.c_str());
    ImGui::Dummy({1, gap * 0.5f});
    ImGui::TextUnformatted(p.hint.c_str());
    ImGui::PopStyleColor();
    if (!p.headline.empty()) {
        ImGui::Dummy({1, gap * 0.5f});
        ImGui::TextUnformatted(p.headline.c_str());
    }
    ImGui::PopFont();
    ImGui::PopTextWrapPos();
    ImGui::EndGroup();
    ImGui::SetWindowFontScale(1.f);

    // Right column: the live, mirrored preview with its target frame.
    const ImVec2 pMin{origin.x + leftW + gap, origin.y + gap};
    const ImVec2 pMax{origin.x + size.x, origin.y + size.y - gap};
    drawPreview(v, pMin, pMax);
}

void drawResult(const AttendeeView& v, ImVec2 origin, ImVec2 size, IntentSink& sink) {
    const PublicScreen& p = v.screen;
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const ImU32 colour = theme::toneColour(p.tone);
    const float r = size.y * 0.10f;
    const float wrap = size.x * 0.9f;
    // A coloured band on the left edge as a third cue beside icon and word.
    dl->AddRectFilled({origin.x - ImGui::GetStyle().WindowPadding.x, origin.y},
                      {origin.x - ImGui::GetStyle().WindowPadding.x + size.x * 0.012f, origin.y + size.y},
                      colour);

    // Icon + word, centred on one line.
    ImGui::PushFont(v.fonts ? v.fonts->title : nullptr);
    const ImVec2 wordSize = ImGui::CalcTextSize(p.word.c_str());
    const float rowW = r * 2 + r * 0.4f + wordSize.x;
    const float rowX = origin.x + (size.x - rowW) * 0.5f;
    const float rowY = origin.y + size.y * 0.04f;
    theme::drawToneIcon(dl, {rowX + r, rowY + r}, r, p.tone);
    dl->AddText({rowX + r * 2.4f, rowY + r - wordSize.y * 0.5f}, colour, p.word.c_str());
    ImGui::PopFont();

    ImGui::SetCursorScreenPos({origin.x, rowY + r * 2 + size.y * 0.04f});
    ImFont* titleFont = v.fonts ? v.fonts->title : nullptr;
    ImGui::BeginGroup();
    theme::centredText(p.headline, titleFont, theme::kText, wrap);
    ImGui::Dummy({1, size.y * 0.02f});
    for (const auto& line : p.lines)
        theme::centredText(line, v.fonts ? v.fonts->body : nullptr, theme::kText, wrap);
    if (!p.reference.empty()) {
        ImGui::Dummy({1, size.y * 0.02f});
        theme::centredText(p.reference, titleFont, theme::kAttention, wrap);
    }
    if (!p.badgeLine.empty()) {
        ImGui::Dummy({1, size.y * 0.02f});
        theme::centredText(p.badgeLine, v.fonts ? v.fonts->body : nullptr, theme::kText, wrap);
        if (p.badgeProgress >= 0.f) {
            const float barW = size.x * 0.5f;
            ImGui::SetCursorPosX(ImGui::GetCursorPosX() + (size.x - barW) * 0.5f);
            ImGui::PushStyleColor(ImGuiCol_PlotHistogram, ImGui::ColorConvertU32ToFloat4(colour));
            ImGui::ProgressBar(p.badgeProgress, {barW, std::max(6.f * v.pixelsPerMm, size.y * 0.03f)}, "");
            ImGui::PopStyleColor();
        }
    }
    ImGui::EndGroup();

    // OK: back to idle now (it also goes back on its own after a few seconds).
    ImGui::PushFont(v.fonts ? v.fonts->body : nullptr);
    const float btnW = std::max(30.f * v.pixelsPerMm, size.x * 0.2f);
    const float btnH = std::max(15.f * v.pixelsPerMm, ImGui::GetTextLineHeight() * 1.8f);
    ImGui::SetCursorScreenPos({origin.x + (size.x - btnW) * 0.5f, origin.y + size.y - btnH});
    if (ImGui::Button(p.okLabel.c_str(), {btnW, btnH})) sink.push(DismissResult{});
    ImGui::PopFont();
}

}  // namespace

void drawAttendee(const AttendeeView& v, IntentSink& sink) {
    beginFullscreen("##attendee");
    drawTopBar(v, sink);
    const ImVec2 cursor = ImGui::GetCursorScreenPos();
    const ImVec2 winPos = ImGui::GetWindowPos();
    const ImVec2 contentMax = ImGui::GetWindowContentRegionMax();
    const float statusH = v.fonts && v.fonts->body ? v.fonts->body->FontSize * 0.8f : 12.f;
    const ImVec2 size{winPos.x + contentMax.x - cursor.x, winPos.y + contentMax.y - cursor.y - statusH};
    if (v.screen.screen == AttendeeScreen::Idle)
        drawIdle(v, cursor, size);
    else
        drawResult(v, cursor, size, sink);
    drawStatusLine(v);
    ImGui::End();
}

void drawLock(const LockView& v, IntentSink& sink) {
    beginFullscreen("##lock");
    const ImVec2 avail = ImGui::GetContentRegionAvail();
    const float ppmm = v.pixelsPerMm;
    ImGui::PushFont(v.fonts ? v.fonts->body : nullptr);
    const float pad = ImGui::GetStyle().FramePadding.x * 2;
    const float key = std::max({18.f * ppmm, avail.y / 8.f, ImGui::CalcTextSize(v.clearLabel.c_str()).x + pad,
                                ImGui::CalcTextSize(v.enterLabel.c_str()).x + pad});
    const float gap = ImGui::GetStyle().ItemSpacing.x;
    const float padW = key * 3 + gap * 2;
    const float left = (avail.x - padW) * 0.5f;

    theme::centredText(v.title, v.fonts ? v.fonts->title : nullptr, theme::kText, avail.x);
    theme::centredText(v.prompt, nullptr, theme::kMuted, avail.x);
    // One "● " per digit typed; a lone space keeps the row's height before the first.
    std::string dots;
    if (v.digits == 0) dots.push_back(' ');
    for (std::size_t i = 0; i < v.digits; ++i) dots += "\xE2\x97\x8F ";  // ●
    theme::centredText(dots, v.fonts ? v.fonts->title : nullptr, theme::kText, avail.x);
    theme::centredText(v.message.empty() ? std::string(" ") : v.message, nullptr,
                       v.messageIsError ? theme::kRefused : theme::kMuted, avail.x);

    ImGui::BeginDisabled(v.busy);
    const char* labels[12] = {"1", "2", "3", "4", "5", "6", "7", "8", "9", nullptr, "0", nullptr};
    for (int row = 0; row < 4; ++row) {
        ImGui::SetCursorPosX(left);
        for (int col = 0; col < 3; ++col) {
            const int i = row * 3 + col;
            if (col) ImGui::SameLine();
            ImGui::PushID(i);
            if (labels[i]) {
                if (ImGui::Button(labels[i], {key, key * 0.8f})) sink.push(PinKey{labels[i][0]});
            } else if (i == 9) {
                if (ImGui::Button(v.clearLabel.c_str(), {key, key * 0.8f})) sink.push(PinKey{'c'});
            } else {
                if (ImGui::Button(v.enterLabel.c_str(), {key, key * 0.8f})) sink.push(PinKey{'\n'});
            }
            ImGui::PopID();
        }
    }
    ImGui::EndDisabled();
    ImGui::SetCursorPosX(left);
    if (ImGui::Button(v.cancelLabel.c_str(), {padW, std::max(15.f * ppmm, key * 0.6f)}))
        sink.push(CancelPin{});
    ImGui::PopFont();
    ImGui::End();
}

}  // namespace kiosk::ui
