#include <kiosk/ui/theme.hpp>

#include <algorithm>
#include <cmath>

namespace kiosk::ui::theme {

ImU32 toneColour(Tone t) {
    switch (t) {
        case Tone::Success:
            return kSuccess;
        case Tone::Refused:
            return kRefused;
        case Tone::Attention:
            return kAttention;
    }
    return kAttention;
}

void drawToneIcon(ImDrawList* dl, ImVec2 c, float r, Tone t) {
    dl->AddCircleFilled(c, r, toneColour(t), 64);
    const float w = std::max(3.f, r * 0.18f);
    const ImU32 ink = kBackground;
    switch (t) {
        case Tone::Success: {
            const ImVec2 pts[3] = {{c.x - r * 0.48f, c.y + r * 0.02f},
                                   {c.x - r * 0.14f, c.y + r * 0.38f},
                                   {c.x + r * 0.50f, c.y - r * 0.34f}};
            dl->AddPolyline(pts, 3, ink, ImDrawFlags_None, w);
            break;
        }
        case Tone::Refused: {
            const float d = r * 0.40f;
            dl->AddLine({c.x - d, c.y - d}, {c.x + d, c.y + d}, ink, w);
            dl->AddLine({c.x - d, c.y + d}, {c.x + d, c.y - d}, ink, w);
            break;
        }
        case Tone::Attention: {
            dl->AddLine({c.x, c.y - r * 0.52f}, {c.x, c.y + r * 0.16f}, ink, w);
            dl->AddCircleFilled({c.x, c.y + r * 0.44f}, w * 0.7f, ink, 24);
            break;
        }
    }
}

void drawTargetFrame(ImDrawList* dl, ImVec2 a, ImVec2 b, ImU32 colour, float th) {
    const float len = std::min(b.x - a.x, b.y - a.y) * 0.2f;
    auto corner = [&](ImVec2 p, float dx, float dy) {
        dl->AddLine(p, {p.x + dx * len, p.y}, colour, th);
        dl->AddLine(p, {p.x, p.y + dy * len}, colour, th);
    };
    corner(a, 1, 1);
    corner({b.x, a.y}, -1, 1);
    corner({a.x, b.y}, 1, -1);
    corner(b, -1, -1);
}

void applyStyle(float fontPx, float pixelsPerMm) {
    ImGuiStyle& s = ImGui::GetStyle();
    s = ImGuiStyle();
    ImGui::StyleColorsDark(&s);
    const float pad = std::max(4.f, fontPx * 0.35f);
    s.WindowPadding = {pad * 2, pad * 2};
    s.FramePadding = {pad, pad * 0.6f};
    s.ItemSpacing = {pad, pad};
    s.ItemInnerSpacing = {pad * 0.6f, pad * 0.6f};
    s.FrameRounding = pad * 0.5f;
    s.WindowRounding = 0;
    s.WindowBorderSize = 0;
    s.ScrollbarSize = std::max(fontPx * 0.8f, 8.f * pixelsPerMm);  // draggable with a finger
    s.GrabMinSize = s.ScrollbarSize;
    s.TouchExtraPadding = {pixelsPerMm, pixelsPerMm};
    auto* c = s.Colors;
    c[ImGuiCol_WindowBg] = ImGui::ColorConvertU32ToFloat4(kBackground);
    c[ImGuiCol_ChildBg] = ImGui::ColorConvertU32ToFloat4(kPanel);
    c[ImGuiCol_PopupBg] = ImGui::ColorConvertU32ToFloat4(kPanel);
    c[ImGuiCol_Text] = ImGui::ColorConvertU32ToFloat4(kText);
    c[ImGuiCol_TextDisabled] = ImGui::ColorConvertU32ToFloat4(kMuted);
    c[ImGuiCol_Button] = ImVec4(0.16f, 0.30f, 0.45f, 1.f);
    c[ImGuiCol_ButtonHovered] = ImVec4(0.20f, 0.38f, 0.56f, 1.f);
    c[ImGuiCol_ButtonActive] = ImVec4(0.24f, 0.46f, 0.68f, 1.f);
    c[ImGuiCol_FrameBg] = ImVec4(0.11f, 0.16f, 0.21f, 1.f);
    c[ImGuiCol_PlotHistogram] = ImGui::ColorConvertU32ToFloat4(kAccent);
}

bool touchButton(const char* label, float pixelsPerMm, float minWidthPx, float minMm, bool selected) {
    const float minPx = minMm * pixelsPerMm;
    const ImVec2 text = ImGui::CalcTextSize(label, nullptr, true);
    const ImGuiStyle& s = ImGui::GetStyle();
    const ImVec2 size{std::max({minPx, minWidthPx, text.x + s.FramePadding.x * 2}),
                      std::max(minPx, text.y + s.FramePadding.y * 2)};
    if (selected) {
        ImGui::PushStyleColor(ImGuiCol_Button, ImGui::ColorConvertU32ToFloat4(kAccent));
        ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(kBackground));
    }
    const bool pressed = ImGui::Button(label, size);
    if (selected) ImGui::PopStyleColor(2);
    return pressed;
}

void centredText(const std::string& text, ImFont* font, ImU32 colour, float wrapWidth) {
    if (text.empty()) return;
    if (font) ImGui::PushFont(font);
    ImFont* f = ImGui::GetFont();
    const float size = ImGui::GetFontSize();
    const float winW = ImGui::GetContentRegionAvail().x;
    const float startX = ImGui::GetCursorPosX();
    // Break into lines ourselves so that every line is centred, not only the first.
    const char* p = text.c_str();
    const char* end = p + text.size();
    while (p < end) {
        const char* lineEnd = f->CalcWordWrapPositionA(size / f->FontSize, p, end, wrapWidth);
        if (lineEnd == p) lineEnd = p + 1;
        const ImVec2 sz = f->CalcTextSizeA(size, FLT_MAX, 0.f, p, lineEnd);
        ImGui::SetCursorPosX(startX + std::max(0.f, (winW - sz.x) * 0.5f));
        ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(colour));
        ImGui::TextUnformatted(p, lineEnd);
        ImGui::PopStyleColor();
        p = lineEnd;
        while (p < end && (*p == ' ' || *p == '\n')) ++p;
    }
    if (font) ImGui::PopFont();
}

}  // namespace kiosk::ui::theme
