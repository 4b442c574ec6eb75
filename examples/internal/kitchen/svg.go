package kitchen

import (
	"bufio"
	"encoding/xml"
	"fmt"
	"io"
	"time"
)

// chefColors are the fills of the chefs' bars, by chef number (cycled).
var chefColors = []string{"#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf"}

// SVG writes the dinners' timelines to w as one SVG image: a section per
// dinner, a row per dish, a bar per step (coloured by chef, grey for the
// oven), on one shared time axis.
func SVG(w io.Writer, dinners []Dinner, titles []string) error {
	const (
		left, width = 120.0, 640.0 // x of time 0, width of the time axis
		row, gap    = 22.0, 44.0   // height of a dish row, of a section title
	)
	var longest time.Duration
	height := 46.0 + 40 // the legend above, the time axis below
	for _, d := range dinners {
		longest = max(longest, d.Wall)
		height += gap + row*float64(len(d.Courses))
	}
	if longest <= 0 {
		longest = time.Millisecond
	}
	x := func(t time.Duration) float64 { return left + width*float64(t)/float64(longest) }
	chefs := 0
	for _, d := range dinners {
		chefs = max(chefs, d.Chefs)
	}
	legend := 10 + 70*float64(min(chefs, len(chefColors))) + 90 + 140 + 200 // the legend's line, below
	b := bufio.NewWriter(w)
	fmt.Fprintf(b, `<svg xmlns="http://www.w3.org/2000/svg" width="%.0f" height="%.0f" font-family="sans-serif" font-size="12">`+"\n", max(left+width+20, legend), height)
	fmt.Fprintf(b, `<rect width="100%%" height="100%%" fill="white"/>`+"\n")
	// The legend: a swatch per chef who worked in any dinner, the oven, the
	// wait; a blank row is a dish not started yet, or served.
	lx := 10.0
	for c := range min(chefs, len(chefColors)) {
		fmt.Fprintf(b, `<rect x="%.0f" y="8" width="14" height="12" fill="%s"/>`+"\n", lx, chefColors[c])
		text(b, lx+18, 18, "normal", "chef "+chefName(c))
		lx += 70
	}
	fmt.Fprintf(b, `<rect x="%.0f" y="8" width="14" height="12" fill="#e0e0e0"/>`+"\n", lx)
	text(b, lx+18, 18, "normal", "in the oven")
	lx += 90
	fmt.Fprintf(b, `<line x1="%.0f" y1="14" x2="%.0f" y2="14" stroke="#888" stroke-dasharray="2,2"/>`+"\n", lx, lx+20)
	text(b, lx+24, 18, "normal", "waiting for a chef")
	lx += 140
	text(b, lx, 18, "normal", "blank: not started, or served")
	text(b, 10, 34, "normal", "A bar is a chef at work: first chopping, then plating; hover a bar for its times.")
	y := 26.0
	for i, d := range dinners {
		y += gap
		title := ""
		if i < len(titles) {
			title = titles[i]
		}
		text(b, 10, y-14, "bold", fmt.Sprintf("%s (wall time %s)", title, d.Wall.Round(time.Millisecond)))
		for _, c := range d.Courses {
			text(b, 10, y+row*0.7, "normal", c.Dish.Name)
			if len(c.Steps) > 0 {
				// The wait for a chef, as a thin line under the bars.
				fmt.Fprintf(b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#bbb" stroke-dasharray="2,2"/>`+"\n",
					x(c.Arrive), y+row/2, x(c.Steps[len(c.Steps)-1].End), y+row/2)
			}
			for _, s := range c.Steps {
				fill, label := "#e0e0e0", "oven"
				if s.Kind != Oven {
					fill, label = chefColors[s.Chef%len(chefColors)], "chef "+chefName(s.Chef)
				}
				fmt.Fprintf(b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s"><title>`,
					x(s.Start), y+2, max(x(s.End)-x(s.Start), 0.5), row-4, fill)
				xml.EscapeText(b, []byte(fmt.Sprintf("%s: %s %s-%s", c.Dish.Name, label,
					s.Start.Round(time.Millisecond), s.End.Round(time.Millisecond))))
				fmt.Fprintf(b, "</title></rect>\n")
				if s.Kind != Oven && x(s.End)-x(s.Start) >= 10 {
					fmt.Fprintf(b, `<text x="%.1f" y="%.1f" fill="white" font-size="11">%s</text>`+"\n",
						x(s.Start)+2, y+row*0.68, chefName(s.Chef))
				}
			}
			y += row
		}
	}
	// The time axis, shared by every dinner.
	y += 10
	fmt.Fprintf(b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="black"/>`+"\n", left, y, left+width, y)
	tick := axisStep(longest)
	for t := time.Duration(0); t <= longest; t += tick {
		fmt.Fprintf(b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="black"/>`+"\n", x(t), y, x(t), y+4)
		text(b, x(t)-8, y+16, "normal", t.String())
	}
	fmt.Fprintf(b, "</svg>\n")
	return b.Flush()
}

// text writes a text element with s escaped.
func text(b *bufio.Writer, x, y float64, weight, s string) {
	fmt.Fprintf(b, `<text x="%.1f" y="%.1f" font-weight="%s">`, x, y, weight)
	xml.EscapeText(b, []byte(s))
	fmt.Fprintf(b, "</text>\n")
}

// axisStep returns a round step between the ticks of an axis of length d:
// 1, 2 or 5 times a power of ten milliseconds, giving at most 10 ticks.
func axisStep(d time.Duration) time.Duration {
	step := time.Millisecond
	for {
		for _, m := range []time.Duration{1, 2, 5} {
			if d/(m*step) <= 10 {
				return m * step
			}
		}
		step *= 10
	}
}
