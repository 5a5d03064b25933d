package face

import (
	"math"
	"slices"
)

// The blazeface-front model's SSD anchors, per MediaPipe's published
// configuration for the 128×128 front-camera detector: four layers with
// strides 8, 16, 16, 16, two anchors a cell each, anchor offset 0.5 and
// fixed (1×1) anchor size. The three stride-16 layers share an 8×8 grid,
// so the model's two output heads hold 16·16·2 = 512 and 8·8·6 = 384
// anchors, in that order.
const (
	detectSize     = 128
	numKeypoints   = 6
	detectRowWidth = 4 + 2*numKeypoints // box (dx, dy, w, h) + 6 keypoints
)

// anchor is an anchor centre in input-relative units ([0,1]).
type anchor struct{ x, y float64 }

// makeAnchors returns the 896 anchors in the order of the model's outputs.
func makeAnchors() []anchor {
	strides := []int{8, 16, 16, 16}
	var out []anchor
	for l := 0; l < len(strides); {
		// Layers of the same stride share a grid: their anchors interleave
		// per cell.
		per := 0
		last := l
		for last < len(strides) && strides[last] == strides[l] {
			per += 2
			last++
		}
		grid := (detectSize + strides[l] - 1) / strides[l]
		for y := 0; y < grid; y++ {
			for x := 0; x < grid; x++ {
				for range per {
					out = append(out, anchor{(float64(x) + 0.5) / float64(grid), (float64(y) + 0.5) / float64(grid)})
				}
			}
		}
		l = last
	}
	return out
}

// detection is one decoded detector output in image pixel coordinates.
type detection struct {
	score float64
	// x0, y0, x1, y1 bound the face.
	x0, y0, x1, y1 float64
	// kp are the six keypoints: the subject's right eye, left eye, nose
	// tip, mouth centre, right ear tragion, left ear tragion.
	kp [numKeypoints][2]float64
}

func (d detection) area() float64 { return max(0, d.x1-d.x0) * max(0, d.y1-d.y0) }

func iou(a, b detection) float64 {
	ix := min(a.x1, b.x1) - max(a.x0, b.x0)
	iy := min(a.y1, b.y1) - max(a.y0, b.y0)
	if ix <= 0 || iy <= 0 {
		return 0
	}
	inter := ix * iy
	return inter / (a.area() + b.area() - inter)
}

// sigmoid of a logit clipped to ±100 as MediaPipe's decoder does.
func sigmoid(x float64) float64 {
	x = max(-100, min(100, x))
	return 1 / (1 + math.Exp(-x))
}

// decodeDetections turns raw logits and regressors (rows of 16 values, box
// then keypoints, in input pixels relative to the anchor) into detections
// whose score is at least minScore. r is the region the detector input was
// sampled from, which maps input coordinates back to the image.
func decodeDetections(anchors []anchor, logits, raw []float32, minScore float64, r region, out []detection) []detection {
	for i, a := range anchors {
		score := sigmoid(float64(logits[i]))
		if score < minScore {
			continue
		}
		row := raw[i*detectRowWidth : (i+1)*detectRowWidth]
		cx := float64(row[0])/detectSize + a.x
		cy := float64(row[1])/detectSize + a.y
		w := float64(row[2]) / detectSize
		h := float64(row[3]) / detectSize
		if !(w > 0 && h > 0) || math.IsInf(w, 0) || math.IsInf(h, 0) {
			continue
		}
		d := detection{score: score}
		// The detector's input is axis-aligned (angle 0), so the box maps
		// to an axis-aligned box.
		d.x0, d.y0 = r.toImage((cx-w/2)*detectSize, (cy-h/2)*detectSize, detectSize)
		d.x1, d.y1 = r.toImage((cx+w/2)*detectSize, (cy+h/2)*detectSize, detectSize)
		for k := range numKeypoints {
			kx := float64(row[4+2*k])/detectSize + a.x
			ky := float64(row[5+2*k])/detectSize + a.y
			d.kp[k][0], d.kp[k][1] = r.toImage(kx*detectSize, ky*detectSize, detectSize)
		}
		out = append(out, d)
	}
	return out
}

// weightedNMS merges overlapping detections as MediaPipe's weighted
// non-maximum suppression does: the best remaining detection and all
// others overlapping it by more than minIoU become one detection whose
// box and keypoints are the score-weighted mean of the group and whose
// score is the best one's.
func weightedNMS(dets []detection, minIoU float64) []detection {
	slices.SortFunc(dets, func(a, b detection) int {
		switch {
		case a.score > b.score:
			return -1
		case a.score < b.score:
			return 1
		}
		return 0
	})
	var out []detection
	used := make([]bool, len(dets))
	for i, top := range dets {
		if used[i] {
			continue
		}
		var sum detection
		var wsum float64
		for j := i; j < len(dets); j++ {
			if used[j] || (j != i && iou(top, dets[j]) <= minIoU) {
				continue
			}
			used[j] = true
			d, w := dets[j], dets[j].score
			wsum += w
			sum.x0 += w * d.x0
			sum.y0 += w * d.y0
			sum.x1 += w * d.x1
			sum.y1 += w * d.y1
			for k := range numKeypoints {
				sum.kp[k][0] += w * d.kp[k][0]
				sum.kp[k][1] += w * d.kp[k][1]
			}
		}
		m := detection{score: top.score, x0: sum.x0 / wsum, y0: sum.y0 / wsum, x1: sum.x1 / wsum, y1: sum.y1 / wsum}
		for k := range numKeypoints {
			m.kp[k] = [2]float64{sum.kp[k][0] / wsum, sum.kp[k][1] / wsum}
		}
		out = append(out, m)
	}
	return out
}

// detectionRegion is the mesh crop for a detection, per MediaPipe's face
// landmark front-end: the box's centre, rotated so the line from the
// subject's right eye to their left eye is horizontal, a square of 1.5
// times the box's longer side.
func detectionRegion(d detection) region {
	ex := d.kp[1][0] - d.kp[0][0]
	ey := d.kp[1][1] - d.kp[0][1]
	side := max(d.x1-d.x0, d.y1-d.y0) * meshScale
	return region{cx: (d.x0 + d.x1) / 2, cy: (d.y0 + d.y1) / 2, side: side, angle: math.Atan2(ey, ex)}
}
