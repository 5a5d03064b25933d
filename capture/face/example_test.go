package face_test

import (
	"fmt"
	"os"

	"github.com/kycterm/kycterm/assets"
	"github.com/kycterm/kycterm/capture"
	"github.com/kycterm/kycterm/capture/face"
)

func Example() {
	an, err := face.NewAnalyzer(assets.Models(), face.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer an.Close()
	data, err := os.ReadFile("testdata/portrait.jpg")
	if err != nil {
		fmt.Println(err)
		return
	}
	img, _, err := capture.DecodeImage("portrait.jpg", data)
	if err != nil {
		fmt.Println(err)
		return
	}
	res, err := an.Analyze(img)
	if err != nil {
		fmt.Println(err)
		return
	}
	f := res.Primary()
	fmt.Println("faces:", len(res.Faces))
	fmt.Println("frontal:", f.Pose.Yaw > -10 && f.Pose.Yaw < 10)
	fmt.Println("eyes open:", f.Blendshapes[face.EyeBlinkLeft] < 0.5 && f.Blendshapes[face.EyeBlinkRight] < 0.5)
	fmt.Println("guidance:", res.Guidance)

	// A still photograph never completes a challenge: there is no
	// movement from a neutral face.
	tr, _ := face.NewChallengeTracker("smile")
	fmt.Println("smile done:", tr.Observe(res) || tr.Observe(res))
	// Output:
	// faces: 1
	// frontal: true
	// eyes open: true
	// guidance: [too_far off_centre]
	// smile done: false
}
