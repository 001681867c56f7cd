// Auto-fit: every character gets the first font of the chain that has it (never a missing glyph),
// then the text shrinks to its minimum size, then breaks over two lines (never inside the family
// name), then ends in an ellipsis. Whatever comes out fits its box.
#include "badge_internal.hpp"

#include <algorithm>
#include <cmath>

namespace kiosk::printing::detail {

namespace {

constexpr char32_t kEllipsis = 0x2026;
constexpr double kLineGap = 1.08;  // line pitch in ems for two-line names

struct Glyph {
    char32_t c;
    int face;
    double adv;  // em/1000
};

bool isSpace(char32_t c) {
    return c == ' ' || c == '\t' || c == 0xA0 || (c >= 0x2000 && c <= 0x200A) || c == 0x202F || c == 0x205F ||
           c == 0x3000 || c == '\n' || c == '\r';
}

// Filters and assigns faces. Characters nothing may draw go to `dropped`; marks on a dropped base
// go with it.
std::vector<Glyph> shapeless(const FontLibrary& fonts, const std::u32string& raw, Weight w,
                             std::u32string* dropped) {
    std::u32string text = composeCanonical(raw);
    std::vector<Glyph> out;
    out.reserve(text.size());
    bool lastDropped = false;
    for (char32_t c : text) {
        if (isSpace(c)) {
            if (!out.empty() && out.back().c != ' ') out.push_back({' ', -1, 0});
            lastDropped = false;
            continue;
        }
        if (invisibleFormat(c)) continue;
        const bool mark = isCombiningMark(c);
        if (mark && lastDropped) {
            if (dropped) dropped->push_back(c);
            continue;
        }
        int face = -1;
        if (typesettable(c)) {
            // A mark stays in its base's font so it sits on it.
            if (mark && !out.empty() && out.back().face >= 0 && fonts.hasGlyph(out.back().face, c))
                face = out.back().face;
            else
                face = fonts.faceFor(c, w);
        }
        if (face < 0) {
            if (dropped) dropped->push_back(c);
            lastDropped = true;
            continue;
        }
        lastDropped = false;
        out.push_back({c, face, fonts.advance(face, c)});
    }
    // Spaces get the face of their neighbour so runs stay long; trailing/leading spaces go.
    while (!out.empty() && out.back().c == ' ') out.pop_back();
    for (size_t i = 0; i < out.size(); ++i) {
        if (out[i].c != ' ') continue;
        int face = out[i - 1].face;
        if (!fonts.hasGlyph(face, ' ')) face = fonts.faceFor(' ', w);
        out[i].face = face;
        out[i].adv = face >= 0 ? fonts.advance(face, ' ') : 250;
    }
    return out;
}

double widthOf(const std::vector<Glyph>& g, size_t from, size_t to) {
    double w = 0;
    for (size_t i = from; i < to; ++i) w += g[i].adv;
    return w;
}

Line makeLine(const std::vector<Glyph>& g, size_t from, size_t to, double size) {
    Line line;
    for (size_t i = from; i < to; ++i) {
        if (g[i].face < 0) continue;
        if (line.runs.empty() || line.runs.back().face != g[i].face) line.runs.push_back({g[i].face, {}, 0});
        line.runs.back().text.push_back(g[i].c);
        line.runs.back().width += g[i].adv * size / 1000;
    }
    for (const auto& r : line.runs) line.width += r.width;
    return line;
}

// Cuts glyphs [from, to) so that it plus an ellipsis fit `maxEm` (em/1000), and appends the
// ellipsis.
std::vector<Glyph> ellipsize(const FontLibrary& fonts, const std::vector<Glyph>& g, size_t from, size_t to,
                             double maxEm, Weight w) {
    Glyph dots{kEllipsis, fonts.faceFor(kEllipsis, w), 0};
    std::vector<Glyph> tail;
    if (dots.face < 0) {
        dots = {'.', fonts.faceFor('.', w), 0};
        dots.adv = fonts.advance(dots.face, '.');
        tail.assign(3, dots);
    } else {
        dots.adv = fonts.advance(dots.face, kEllipsis);
        tail.push_back(dots);
    }
    const double tailW = widthOf(tail, 0, tail.size());
    std::vector<Glyph> out(g.begin() + static_cast<long>(from), g.begin() + static_cast<long>(to));
    double width = widthOf(out, 0, out.size());
    if (width <= maxEm) return out;
    while (!out.empty() && (width + tailW > maxEm || out.back().c == ' ' || isCombiningMark(out.back().c))) {
        width -= out.back().adv;
        out.pop_back();
    }
    if (tailW <= maxEm) out.insert(out.end(), tail.begin(), tail.end());
    return out;
}

struct Metrics {
    double asc = 1.0, desc = 0.25;  // ems
};

Metrics metricsFor(const FontLibrary& fonts, Weight w) {
    int face = fonts.faceFor('H', w);
    if (face < 0) return {};
    // Real ascenders include room for capital accents (Ž, Å), which names need.
    return {fonts.ascender(face) / 1000.0, -fonts.descender(face) / 1000.0};
}

TextBlock finish(TextBlock b, double size, const Metrics& m) {
    b.size = size;
    b.lineHeight = size * kLineGap;
    b.ascent = size * m.asc;
    b.descent = size * m.desc;
    return b;
}

}  // namespace

TextBlock fitText(const FontLibrary& fonts, const FitRequest& req) {
    TextBlock block;
    std::vector<Glyph> g = shapeless(fonts, req.text, req.weight, &block.dropped);
    const Metrics m = metricsFor(fonts, req.weight);
    const double minSize = req.minSize > 0 ? std::min(req.minSize, req.size) : req.size;
    const double oneLineH = m.asc + m.desc;             // ems
    const double twoLineH = m.asc + m.desc + kLineGap;  // ems
    if (g.empty()) return finish(block, req.size, m);

    const double total = widthOf(g, 0, g.size());
    const double byHeight1 = req.height / oneLineH;
    double size1 = std::min({req.size, req.width * 1000 / std::max(total, 1.0), byHeight1});
    // One line at full size needs no further thought.
    if (size1 >= req.size || (req.maxLines < 2 && (size1 >= minSize || size1 >= byHeight1))) {
        block.shrunk = size1 < req.size;
        block.lines.push_back(makeLine(g, 0, g.size(), size1));
        return finish(block, size1, m);
    }

    // Two lines: break at a space (or after a hyphen), never inside the family name.
    size_t keepFrom = std::u32string::npos, keepTo = 0;
    if (!req.keepWhole.empty()) {
        std::u32string flat;
        for (const auto& x : g) flat.push_back(x.c);
        std::u32string dummy;
        std::u32string keep;
        for (const auto& x : shapeless(fonts, req.keepWhole, req.weight, &dummy)) keep.push_back(x.c);
        if (!keep.empty()) {
            keepFrom = flat.rfind(keep);
            if (keepFrom != std::u32string::npos) keepTo = keepFrom + keep.size();
        }
    }
    auto allowed = [&](size_t i) { return keepFrom == std::u32string::npos || i <= keepFrom || i >= keepTo; };
    size_t bestBreak = 0, bestNext = 0;
    double bestSize = 0, famSize = 0;
    size_t famBreak = 0;
    const double byHeight2 = req.height / twoLineH;
    if (req.maxLines >= 2 && byHeight2 > 0) {
        for (size_t i = 1; i < g.size(); ++i) {
            size_t end = 0, next = 0;
            if (g[i].c == ' ' && allowed(i)) {
                end = i;
                next = i + 1;
            } else if ((g[i - 1].c == '-' || g[i - 1].c == 0x2010) && allowed(i)) {
                end = i;
                next = i;
            } else {
                continue;
            }
            const double w = std::max(widthOf(g, 0, end), widthOf(g, next, g.size()));
            const double s = std::min({req.size, req.width * 1000 / std::max(w, 1.0), byHeight2});
            if (s > bestSize) {
                bestSize = s;
                bestBreak = end;
                bestNext = next;
            }
            // The break just before the family name reads best ("Maria del Carmen / Dvořák"):
            // take it when it costs little size.
            if (keepFrom != std::u32string::npos && next == keepFrom) {
                famSize = s;
                famBreak = end;
            }
        }
        if (famSize > 0 && famSize >= bestSize * 0.85 && famSize >= minSize) {
            bestSize = famSize;
            bestBreak = famBreak;
            bestNext = keepFrom;
        }
    }
    // Two lines only when they buy a clearly larger name; otherwise one shrunk line reads better.
    if (size1 >= minSize && !(bestSize > size1 * 1.25)) {
        block.shrunk = true;
        block.lines.push_back(makeLine(g, 0, g.size(), size1));
        return finish(block, size1, m);
    }
    if (bestSize > 0 && bestSize >= minSize && bestSize > size1) {
        block.shrunk = true;
        block.lines.push_back(makeLine(g, 0, bestBreak, bestSize));
        block.lines.push_back(makeLine(g, bestNext, g.size(), bestSize));
        return finish(block, bestSize, m);
    }

    // Ellipsis at the minimum size (or smaller, if the box is lower than one line at it).
    block.truncated = true;
    block.shrunk = true;
    const bool two = bestSize > 0 && minSize <= byHeight2;
    const double size = two ? minSize : std::min(minSize, byHeight1);
    const double maxEm = req.width * 1000 / size;
    if (two) {
        auto a = ellipsize(fonts, g, 0, bestBreak, maxEm, req.weight);
        auto b = ellipsize(fonts, g, bestNext, g.size(), maxEm, req.weight);
        block.lines.push_back(makeLine(a, 0, a.size(), size));
        block.lines.push_back(makeLine(b, 0, b.size(), size));
    } else {
        auto a = ellipsize(fonts, g, 0, g.size(), maxEm, req.weight);
        block.lines.push_back(makeLine(a, 0, a.size(), size));
    }
    return finish(block, size, m);
}

TextBlock wrapText(const FontLibrary& fonts, const std::u32string& text, double width, double size,
                   int maxLines, Weight weight) {
    TextBlock block;
    const Metrics m = metricsFor(fonts, weight);
    std::vector<Glyph> g = shapeless(fonts, text, weight, &block.dropped);
    const double maxEm = width * 1000 / size;
    size_t start = 0;
    while (start < g.size()) {
        if (static_cast<int>(block.lines.size()) == maxLines - 1) {
            auto rest = ellipsize(fonts, g, start, g.size(), maxEm, weight);
            block.truncated = rest.size() != g.size() - start;
            block.lines.push_back(makeLine(rest, 0, rest.size(), size));
            break;
        }
        double w = 0;
        size_t i = start, lastSpace = std::u32string::npos;
        while (i < g.size() && w + g[i].adv <= maxEm) {
            if (g[i].c == ' ') lastSpace = i;
            w += g[i].adv;
            ++i;
        }
        size_t end = i, next = i;
        if (i < g.size()) {
            if (g[i].c == ' ') {
                next = i + 1;
            } else if (lastSpace != std::u32string::npos && lastSpace > start) {
                end = lastSpace;
                next = lastSpace + 1;
            } else if (i == start) {
                end = next = i + 1;  // a glyph wider than the line: still progress
            }
        }
        block.lines.push_back(makeLine(g, start, end, size));
        start = next;
    }
    return finish(block, size, m);
}

}  // namespace kiosk::printing::detail
