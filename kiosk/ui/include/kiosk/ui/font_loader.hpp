#pragma once
// Builds the ImGui font atlas for a framebuffer height. Sizes follow the screen (720p to 4K) so
// the layout reads the same from a wheelchair at every resolution.
//
// Atlas budget: the body font carries the full Latin, Latin Extended, Greek and Cyrillic ranges;
// the large fonts would cost ~10× the texture at 4K with full ranges, so they carry Latin-1 plus
// the code points of the event's names and the UI's texts known at start-up, and grow when a
// name with a new letter is about to be drawn (request(): the shell rebuilds the atlas before
// that frame, so a walk-in or an imported "Dvořák" is drawn in the large font at once). A letter
// no font file has is drawn with the body font (hasAllGlyphs) — never a "?".
#include <kiosk/ui/fonts.hpp>

#include <imgui.h>
#include <kiosk/core/utf8.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace kiosk::ui {

class FontLoader {
public:
    /// Adds the code points of `text` to the large fonts' set (call before build()).
    void addText(std::string_view utf8) { (void)request(utf8); }
    /// Adds the code points of `text` that were never asked for. True when there were any: the
    /// atlas must be rebuilt before the text is drawn. Each code point is asked for once, so a
    /// letter that no font file has does not rebuild the atlas every frame.
    bool request(std::string_view utf8);
    /// The last build: its duration and the atlas texture's size (the stats file reports them).
    double lastBuildMs() const { return m_buildMs; }
    int atlasWidth() const { return m_atlasW; }
    int atlasHeight() const { return m_atlasH; }
    int builds() const { return m_builds; }
    /// Rebuilds io.Fonts for the given framebuffer height. Returns false when no TrueType font was
    /// found (ImGui's built-in font is used; the status line says so).
    bool build(int framebufferHeight, bool largeText);
    const Fonts& fonts() const { return m_fonts; }
    int builtForHeight() const { return m_height; }
    bool builtLarge() const { return m_large; }
    const std::string& fontFile() const { return m_file; }
    /// Every code point of `utf8` is in the given font (not the fallback glyph).
    static bool hasAllGlyphs(ImFont* font, std::string_view utf8);
    float bodyPx() const { return m_bodyPx; }

private:
    bool buildAtlas(int framebufferHeight, bool largeText);

    std::vector<ImWchar> m_extra;  ///< sorted unique code points for the large fonts
    ImVector<ImWchar> m_titleRanges;
    ImVector<ImWchar> m_hugeRanges;
    Fonts m_fonts;
    int m_height = 0;
    bool m_large = false;
    float m_bodyPx = 13.f;
    std::string m_file;
    double m_buildMs = 0;
    int m_atlasW = 0;
    int m_atlasH = 0;
    int m_builds = 0;
};

/// Decode UTF-8 into code points (invalid bytes become U+FFFD).
inline std::u32string decodeUtf8(std::string_view s) {
    return core::utf8::decode(s);
}

}  // namespace kiosk::ui
