// Package match compares faces: the holder's photo on an identity document
// with the faces in the live frames of a liveness check.
//
// An Embedder finds the largest face in a picture with the face analysis of
// package face (detector and 468-point mesh), cuts the face's square with
// the eyes levelled, 112×112, as the human library feeds the model, with
// brightness and contrast normalised, and runs the mobilefacenet
// TensorFlow.js model with package graph. The model's raw outputs all lie
// close to one direction, so the Embedder subtracts the output for a
// uniform grey crop and normalises the rest: an Embedding, 192 numbers of
// unit length. Two embeddings of one person point more nearly the same way
// than two of different people: their cosine similarity is higher.
//
// A Matcher compares a document with a list of frames: the cosine
// similarity of the document's face with each frame that shows a face, the
// median of those, and a score in [0, 1] mapped from the median by Score.
// It implements the local sandbox's FaceMatcher. The mapping, the
// threshold and what was measured to choose them are in
// docs/face-analysis.md ("Face matching").
//
// Faces and embeddings are customer data: nothing here logs them, writes
// them to disk or puts them in an error.
package match
