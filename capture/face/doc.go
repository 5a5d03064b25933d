// Package face finds faces in camera frames and measures them, in pure Go,
// with the TensorFlow.js graph models of package graph.
//
// Per frame, an Analyzer runs the pipeline of MediaPipe's face landmarker:
// the blazeface front-camera detector (SSD anchors, box and six keypoints,
// weighted non-maximum suppression) finds faces; the face-mesh model puts
// 468 points on each face's crop, rotated so the eyes are level; the iris
// model refines the eye contours and finds the irises on crops of each
// eye. Between detections the Analyzer tracks: the crop of the next frame
// is the last mesh's bounds, and the detector runs again when the mesh's
// face confidence drops, a face is lost, or every Options.DetectEvery
// frames. From the mesh it derives the head pose (degrees), blendshape
// style scores with MediaPipe's names, capture guidance, and it runs the
// anti-spoofing and liveness classifiers on the aligned face crop.
//
// Frames must be unmirrored, as the camera delivers them: left and right
// (the subject's own, as in eyeBlinkLeft or a positive yaw) are read from
// the unmirrored picture. Mirror only the preview shown to the customer.
//
// A ChallengeTracker watches a stream of results for one liveness
// challenge (turn_left, blink, nod, …) and tells when it is done.
//
// All formulas, units and thresholds are in docs/face-analysis.md.
package face
